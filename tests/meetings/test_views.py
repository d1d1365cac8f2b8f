"""Pages: every role × action, own/other unit; outsider 404, read-only 403."""

import pytest

from keyworks.meetings import services
from keyworks.meetings.models import AgendaItem
from keyworks.tasks.models import TaskStatus

from .conftest import FUTURE, TODAY, decided, opened, other_unit_user, raised

READERS = ["office", "leader", "inspector", "member", "other_member", "district", "department_user"]


@pytest.mark.parametrize("who", READERS)
def test_every_programme_role_reads(world, who):
    raised(world)
    decision = decided(world)
    meeting = decision.meeting
    client = world.client(getattr(world, who))
    for url in (
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        "/meetings/decisions/",
        f"/meetings/decisions/{decision.pk}/",
        f"/meetings/{meeting.pk}/minutes.docx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'data-decision="{decision.pk}"' in page
    assert ('id="add-item-form"' in page) is (who == "office")


def test_outsider_and_anonymous(world):
    decision = decided(world)
    meeting = decision.meeting
    outsider = world.client(world.outsider)
    for url in (
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        "/meetings/decisions/",
        f"/meetings/decisions/{decision.pk}/",
        f"/meetings/{meeting.pk}/minutes.docx",
    ):
        assert outsider.get(url).status_code == 404, url
        assert world.client(None).get(url).status_code == 302, url
    assert outsider.post(f"/meetings/{meeting.pk}/add_item/", {"title": "x"}).status_code == 404
    assert (
        outsider.post(f"/meetings/decisions/{decision.pk}/note/", {"note": "x"}).status_code == 404
    )


def test_office_opens_and_edits_through_the_pages(world):
    problem = raised(world, description="本周新问题")
    client = world.client(world.office)
    response = client.post(
        "/meetings/open/", {"date": TODAY.isoformat(), "place": "第一会议室", "chair": "张"}
    )
    meeting = world.programme.meetings.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    item = meeting.items.get(problem=problem)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "本周新问题" in page and "本周新增问题" in page
    base = f"/meetings/{meeting.pk}"
    client.post(f"{base}/add_item/", {"title": "其他事项", "summary": "说明"})
    free = meeting.items.get(title="其他事项")
    client.post(f"{base}/items/{free.pk}/up/")
    assert list(meeting.items.order_by("sort").values_list("pk", flat=True)) == [free.pk, item.pk]
    client.post(
        f"{base}/items/{item.pk}/edit/", {"title": "修改后的议题", "summary": "新", "version": 1}
    )
    item.refresh_from_db()
    assert item.title == "修改后的议题"
    client.post(
        f"{base}/items/{item.pk}/decide/",
        {"text": "加快办理", "unit": world.department.pk, "deadline": FUTURE.isoformat()},
    )
    decision = item.decisions.get()
    assert decision.lead_unit == world.department
    # Without an owner: nothing is recorded, the page says why.
    response = client.post(
        f"{base}/items/{item.pk}/decide/",
        {"text": "无责任单位", "deadline": FUTURE.isoformat()},
        follow=True,
    )
    assert "责任单位" in response.content.decode() and item.decisions.count() == 1
    client.post(f"{base}/items/{free.pk}/remove/")
    assert not AgendaItem.objects.filter(pk=free.pk).exists()
    client.post(f"{base}/close/", {"version": meeting.version})
    meeting.refresh_from_db()
    assert not meeting.is_open
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="add-item-form"' not in page and "已锁定" in page
    assert client.post(f"{base}/add_item/", {"title": "会后"}).status_code == 403


def test_stale_edit_shows_a_message(world):
    meeting = opened(world)
    item = services.add_item(meeting, by=world.office, title="甲")
    client = world.client(world.office)
    client.post(f"/meetings/{meeting.pk}/items/{item.pk}/edit/", {"title": "乙", "version": 1})
    response = client.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/edit/", {"title": "丙", "version": 1}, follow=True
    )
    assert "已被他人修改" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "乙"


@pytest.mark.parametrize("who", ["leader", "inspector", "member", "district", "department_user"])
def test_read_only_roles_cannot_manage(world, who):
    meeting = opened(world)
    item = services.add_item(meeting, by=world.office, title="甲")
    client = world.client(getattr(world, who))
    base = f"/meetings/{meeting.pk}"
    assert client.post("/meetings/open/", {"date": TODAY.isoformat()}).status_code == 403
    assert client.post(f"{base}/add_item/", {"title": "x"}).status_code == 403
    assert client.post(f"{base}/items/{item.pk}/edit/", {"title": "x"}).status_code == 403
    assert client.post(f"{base}/close/").status_code == 403
    meeting.refresh_from_db()
    assert meeting.is_open and meeting.items.count() == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("department_user", True),
        ("office", False),  # the responsible unit reports, as on every 督办 item
        ("other_unit", False),
        ("member", False),
        ("leader", False),
        ("inspector", False),
    ],
)
def test_decision_progress_by_own_unit_only(world, who, allowed):
    decision = decided(world)
    user = other_unit_user(world) if who == "other_unit" else getattr(world, who)
    client = world.client(user)
    response = client.post(
        f"/meetings/decisions/{decision.pk}/report/", {"note": "已完成", "version": 1}
    )
    assert response.status_code == (302 if allowed else 403)
    decision.refresh_from_db()
    assert (decision.status == TaskStatus.ANSWERED) is allowed


def test_office_confirms_and_decision_list_filters(world):
    done = decided(world, text="已报完成的事项")
    late = decided(world, done.meeting, text="逾期事项", deadline=done.meeting.date)
    fgw = other_unit_user(world).unit
    other = decided(world, done.meeting, text="发改委事项", unit=fgw)
    services.report_done(done, "已完成", by=world.department_user)
    client = world.client(world.office)
    assert client.post(f"/meetings/decisions/{done.pk}/confirm/", {"version": 2}).status_code == 302
    done.refresh_from_db()
    assert done.status == TaskStatus.ACCEPTED

    def shown(**params):
        body = client.get("/meetings/decisions/", params).content.decode()
        return {int(part.split('"')[0]) for part in body.split('data-decision="')[1:]}

    assert shown() == {done.pk, late.pk, other.pk}
    assert shown(status="accepted") == {done.pk}
    assert shown(overdue="on") == {late.pk}
    assert shown(unit=fgw.pk) == {other.pk}
    detail = client.get(f"/meetings/decisions/{late.pk}/").content.decode()
    assert 'data-overdue="1"' in detail


def test_agenda_links_only_the_problems_the_reader_may_open(world):
    theirs = raised(world, project=world.other, description="对方项目的问题")
    meeting = opened(world)
    problem_link = f'href="/coordination/{theirs.pk}/"'
    project_link = f'href="/ledger/{world.other.pk}/"'
    # Another task force's problem: the member reads the item, reaches it by its project.
    page = world.client(world.member).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "对方项目的问题" in page
    assert problem_link not in page and project_link in page
    # Its own task force, and the office, open the problem itself.
    for user in (world.other_member, world.office):
        page = world.client(user).get(f"/meetings/{meeting.pk}/").content.decode()
        assert problem_link in page


def test_my_instructions_is_in_the_menu_of_leaders_only(world):
    assert "/tasks/mine/" in world.client(world.leader).get("/").content.decode()
    for user in (world.office, world.member, world.inspector):
        assert "/tasks/mine/" not in world.client(user).get("/").content.decode()
