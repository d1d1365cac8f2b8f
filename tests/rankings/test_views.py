"""Pages and exports: the permission matrix, the page's content, the .xlsx and .docx."""

from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from keyworks.rankings.models import RankingScheme, RankingSnapshot

READERS = ["office", "leader", "inspector", "member", "other_member", "district", "department_user"]
NOT_OFFICE = [r for r in READERS if r != "office"]
PAGE = "/rankings/?programme=jz2025&period=2025-11"
SCHEME_POST = {
    "weight_investment": "50",
    "weight_milestones": "20",
    "weight_problems": "10",
    "weight_reports": "10",
    "weight_verification": "10",
    "red_count": "2",
    "black_count": "2",
    "version": "1",
}


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        "/rankings/export.xlsx?programme=jz2025&period=2025-11",
        "/rankings/export.docx?programme=jz2025&period=2025-11",
    ],
)
def test_everyone_in_the_programme_reads(world, role, url):
    assert world.client(getattr(world, role)).get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        "/rankings/",
        "/rankings/export.xlsx?programme=jz2025",
        "/rankings/export.docx?programme=jz2025",
        "/rankings/scheme/?programme=jz2025",
    ],
)
def test_outsider_gets_404(world, url):
    assert world.client(world.outsider).get(url).status_code == 404
    response = world.client(world.outsider).post("/rankings/publish/?programme=jz2025", {})
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(world):
    response = world.client(None).get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_only_office_manages(world, role):
    client = world.client(getattr(world, role))
    assert client.get("/rankings/scheme/?programme=jz2025").status_code == 403
    assert client.post("/rankings/scheme/?programme=jz2025", SCHEME_POST).status_code == 403
    response = client.post("/rankings/publish/?programme=jz2025", {"period": "2025-11"})
    assert response.status_code == 403
    assert not RankingScheme.objects.exists() and not RankingSnapshot.objects.exists()
    assert "发布本期排名" not in client.get(PAGE).content.decode()


def test_office_edits_the_scheme(world):
    client = world.client(world.office)
    assert client.get("/rankings/scheme/?programme=jz2025").status_code == 200
    response = client.post("/rankings/scheme/?programme=jz2025", SCHEME_POST)
    assert response.status_code == 302
    scheme = RankingScheme.objects.get()
    assert (scheme.weight_investment, scheme.red_count) == (50, 2)
    bad = {**SCHEME_POST, "weight_investment": "70", "version": "1"}
    response = client.post("/rankings/scheme/?programme=jz2025", bad)
    assert response.status_code == 400
    assert "各项权重之和应为 100" in response.content.decode()
    again = {**SCHEME_POST, "weight_investment": "45", "weight_problems": "15", "version": "1"}
    assert client.post("/rankings/scheme/?programme=jz2025", again).status_code == 302
    # A second editor who opened the page at version 1 saves after that: refused.
    stale = {**SCHEME_POST, "weight_investment": "40", "weight_problems": "20", "version": "1"}
    response = client.post("/rankings/scheme/?programme=jz2025", stale)
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    assert RankingScheme.objects.get().weight_investment == 45


def test_page_shows_parts_movement_and_lists(ranked):
    client = ranked.client(ranked.member)
    html = client.get(PAGE).content.decode()
    assert "焦作市三十工程2025年11-12月推进情况排名" in html
    assert 'data-rank="1" data-total="70.00" data-movement="↑1"' in html
    assert 'data-part="investment" title="完成率 60.0%（序时 100.0%）">24.00' in html
    assert "红榜" in html and "黑榜" in html
    assert "暂无核验数据" in html
    assert "实时计算" in html
    districts = client.get(PAGE + "&tab=district").content.decode()
    assert 'data-total="62.32"' in districts
    projects = client.get(PAGE + "&tab=project").content.decode()
    assert "十大工业" in projects and "十大基础设施" in projects
    assert client.get(PAGE + "&tab=nope").status_code == 404
    assert client.get("/rankings/?programme=jz2025&period=2025-10").status_code == 404
    assert client.get("/rankings/?programme=jz2025&period=2024-11").status_code == 404


def test_office_publishes_from_the_page(ranked):
    client = ranked.client(ranked.office)
    assert "发布本期排名" in client.get(PAGE).content.decode()
    response = client.post("/rankings/publish/?programme=jz2025", {"period": "2025-11"})
    assert response.status_code == 302
    assert RankingSnapshot.objects.get().start_month.month == 11
    html = client.get(PAGE).content.decode()
    assert "已发布" in html and "发布本期排名" not in html
    response = client.post(
        "/rankings/publish/?programme=jz2025", {"period": "2025-11"}, follow=True
    )
    assert "该期排名已发布" in response.content.decode()
    assert RankingSnapshot.objects.count() == 1


def test_xlsx_export(ranked):
    response = ranked.client(ranked.district).get(
        "/rankings/export.xlsx?programme=jz2025&period=2025-11"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["专班排名", "县区排名", "项目排名", "红黑榜"]
    ws = wb["专班排名"]
    assert ws["A1"].value == "焦作市三十工程2025年11-12月推进情况排名"
    assert [c.value for c in ws[3]][:4] == [
        "名次",
        "名称",
        "总分",
        "投资完成（对比序时进度）（40分）",
    ]
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.column_dimensions["B"].width == 28
    first = [c.value for c in ws[4]]
    assert first[:8] == [1, "沿黄高速专班", 70, 40, 20, 0, 0, 10]
    assert first[8] == "↑1"
    own = [c.value for c in ws[5]]
    assert own[1] == "牧野路专班" and Decimal(str(own[3])) == Decimal("24")
    districts = wb["县区排名"]
    assert [districts["B5"].value, districts["C5"].value] == ["武陟县", 62.32]
    projects = wb["项目排名"]
    assert projects["A4"].value == "十大工业"
    lists = wb["红黑榜"]
    assert lists["A4"].value == "专班排名"
    assert "沿黄高速专班（70.00分）" in lists["B4"].value


def test_docx_export(ranked):
    response = ranked.client(ranked.leader).get(
        "/rankings/export.docx?programme=jz2025&period=2025-11"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "焦作市三十工程2025年11-12月推进情况排名"
    assert "一、专班排名" in texts and "四、红榜与黑榜" in texts
    assert any("无实地核验的对象显示“暂无核验数据”" in t for t in texts)
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert len(doc.tables) == 4  # task forces, districts, two categories
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[:3] == ["名次", "名称", "总分"]
    first = [c.text for c in doc.tables[0].rows[1].cells]
    assert first[:4] == ["1", "沿黄高速专班", "70.00", "40.00"]
    assert first[8] == "↑1"
    assert any(t.startswith("专班排名：红榜 沿黄高速专班（70.00分）") for t in texts)


def test_the_page_and_the_export_follow_the_language(world):
    client = world.client(world.office)
    page = client.get(PAGE).content.decode()
    assert "红榜" in page and "Red list" not in page
    page = client.get(PAGE, headers={"accept-language": "en"}).content.decode()
    assert "Red list" in page and "Black list" in page and "红榜" not in page
    answer = client.get(
        "/rankings/export.xlsx?programme=jz2025&period=2025-11", headers={"accept-language": "en"}
    )
    sheet = load_workbook(BytesIO(answer.content))["Task force ranking"]
    assert "progress ranking" in sheet.cell(1, 1).value
    assert [sheet.cell(3, c).value for c in (1, 2, 3)] == ["Rank", "Name", "Total"]
