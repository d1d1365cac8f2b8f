"""The minutes (.docx) opened with python-docx."""

import datetime
import io

import docx
from docx.oxml.ns import qn
from docx.shared import Cm

from keyworks.meetings import services
from keyworks.meetings.minutes import chinese_number

from .conftest import TODAY, decided, opened, other_unit_user, raised


def minutes_of(world, meeting, user=None):
    response = world.client(user or world.office).get(f"/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".docx" in response["Content-Disposition"]
    return docx.Document(io.BytesIO(response.content))


def test_minutes_content(world):
    raised(world, description="地块征迁进度滞后")
    meeting = opened(
        world, place="市政府第一会议室", chair="张副市长", attendees="市自然资源规划局等"
    )
    problem_item = meeting.items.get(problem__isnull=False)
    fgw = other_unit_user(world).unit
    first = decided(world, meeting, item=problem_item, text="加快完成地块征迁")
    second = decided(
        world,
        meeting,
        item=problem_item,
        unit=fgw,
        text="统筹安排征迁资金",
        deadline=datetime.date(2026, 12, 31),
    )
    free = services.add_item(meeting, by=world.office, title="冬季施工安全", summary="注意安全")
    services.close_meeting(meeting, by=world.office)
    document = minutes_of(world, meeting)

    title = document.paragraphs[0]
    assert title.text == "焦作市三十工程第1次周调度会议纪要"
    assert title.style.name == "Title"
    texts = [p.text for p in document.paragraphs]
    body = "\n".join(texts)
    for expected in (
        "会议地点：市政府第一会议室",
        "主 持 人：张副市长",
        "参会人员：市自然资源规划局等",
    ):
        assert expected in texts
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        f"一、{problem_item.title}",
        f"二、{free.title}",
        "三、议定事项汇总",
    ]
    assert "地块征迁进度滞后" in body and "注意安全" in body
    deadline = f"{first.deadline.year}年{first.deadline.month}月{first.deadline.day}日"
    assert (
        f"1. 加快完成地块征迁（责任单位：{world.department.name}；完成时限：{deadline}）" in texts
    )
    assert f"2. 统筹安排征迁资金（责任单位：{fgw.name}；完成时限：2026年12月31日）" in texts

    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "议定事项", "责任单位", "完成时限", "状态"]
    assert rows[1] == ["1", "加快完成地块征迁", world.department.name, deadline, "已交办"]
    assert rows[2][:3] == ["2", "统筹安排征迁资金", fgw.name]
    assert second.pk

    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.page_width < section.page_height and section.left_margin >= Cm(2.5)
    fonts = title.runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    body_run = next(p for p in document.paragraphs if p.text.startswith("1. ")).runs[-1]
    assert body_run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    footer = section.footer.paragraphs[0]._element.xml
    assert "PAGE" in footer


def test_minutes_without_decisions_and_readers(world):
    meeting = opened(world)
    document = minutes_of(world, meeting, world.department_user)
    assert document.paragraphs[0].text == "焦作市三十工程第1次周调度会议纪要"
    assert "本次会议无议定事项。" in [p.text for p in document.paragraphs]
    assert (
        world.client(world.outsider).get(f"/meetings/{meeting.pk}/minutes.docx").status_code == 404
    )


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 25)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十五",
    ]
    assert TODAY


def test_minutes_follow_the_language(world):
    meeting = opened(world)
    services.add_item(meeting, by=world.office, title="冬季施工安全", summary="注意安全")
    response = world.client(world.office).get(
        f"/meetings/{meeting.pk}/minutes.docx", HTTP_ACCEPT_LANGUAGE="en"
    )
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == (
        "Jiaozuo Thirty Projects: Minutes of Weekly Dispatch Meeting No. 1"
    )
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == "2. Summary of decisions"
    assert "冬季施工安全" in "\n".join(headings)  # the data stays as written


def test_pages_speak_chinese_by_default_and_english_on_request(world):
    client = world.client(world.office)
    assert "召开本周调度会" in client.get("/meetings/").content.decode()
    english = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open this week" in english and "召开本周调度会" not in english
    response = client.post("/meetings/open/", {}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Some values are invalid" in response.content.decode()
    response = client.post("/meetings/open/", {}, follow=True)
    assert "提交的内容有误，请检查" in response.content.decode()
