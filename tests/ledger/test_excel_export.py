import datetime as dt
import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from keyworks.ledger.excel_export import COLUMNS, HEADER_ROW, write_ledger_xlsx
from keyworks.ledger.importer import parse_ledger
from keyworks.ledger.models import Project, TaskForce

URL = reverse("ledger:export")


def download(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    return response, openpyxl.load_workbook(io.BytesIO(data)), data


def sheet_rows(wb):
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def add_projects(world, count, category=None, start_seq=10):
    for i in range(count):
        project = Project.objects.create(
            programme=world.programme,
            category=category or world.industry,
            seq=start_seq + i,
            name=f"批量项目{start_seq + i:03d}",
            total_investment=Decimal("100.10"),
            completed_investment=Decimal("1.01"),
            task_force=TaskForce.objects.create(name="x"),
        )
        project.districts.set([world.district_a])


def test_export_is_an_xlsx_attachment_named_after_programme_and_date(world):
    response, wb, data = download(world.client(world.office))
    today = timezone.localdate()
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"台账-jz2025-{today:%Y%m%d}.xlsx"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(name)}" in disposition
    assert data[:4] == b"PK\x03\x04"


def test_layout_title_header_groups_subtotals_and_total(world):
    world.own.task_force.lead_official = "张市长"
    world.own.task_force.save()
    world.own.planned_start = dt.date(2025, 3, 1)
    world.own.owner = world.enterprise
    world.own.save()
    _, wb, _ = download(world.client(world.office))
    rows = sheet_rows(wb)
    today = timezone.localdate()
    assert (
        rows[0][0] == f"焦作市2025年三十工程项目台账（{today.year}年{today.month}月{today.day}日）"
    )
    assert "单位：万元" in rows[1][0]
    header = rows[HEADER_ROW - 1]
    assert header == [c.header for c in COLUMNS]
    assert header[:3] == ["序号", "项目名称", "项目代码"]
    assert "总投资（万元）" in header and "牵头市领导" in header
    col = {h: i for i, h in enumerate(header)}
    body = rows[HEADER_ROW:]
    # industry: own, 小计; infra: other, 小计; 合计
    assert [r[0] for r in body] == [1, "小计", 2, "小计", "合计"]
    own = body[0]
    assert own[col["项目名称"]] == "牧野路改造工程"
    assert own[col["项目代码"]] == "2401-410800-04-01-123456"
    assert own[col["项目类别"]] == "十大工业"
    assert own[col["所在县(市、区)"]] == "解放区"
    assert own[col["责任单位"]] == "焦作市自然资源和规划局"
    assert own[col["业主单位"]] == "焦作某某科技有限公司"
    assert own[col["牵头市领导"]] == "张市长"
    assert own[col["计划开工"]] == dt.datetime(2025, 3, 1)
    assert own[col["总投资（万元）"]] == 10000
    assert body[1][col["项目名称"]] == "十大工业（1个项目）"
    assert body[1][col["总投资（万元）"]] == 10000
    total = body[4]
    assert total[col["项目名称"]] == "共2个项目"
    assert total[col["总投资（万元）"]] == 20000
    assert total[col["累计完成投资（万元）"]] == 5000
    assert total[col["年度计划投资（万元）"]] == 8000


def test_sheet_is_frozen_sized_and_set_up_for_printing(world):
    _, wb, _ = download(world.client(world.office))
    ws = wb.active
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize in ("8", "9", 8, 9)  # A3 or A4
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["B"].width == 28  # 项目名称
    assert ws.column_dimensions["I"].width > 30  # 建设内容
    assert "A1:T1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["M5"].number_format == "#,##0.00"


def test_export_has_no_phone_numbers(world):
    _, _, data = download(world.client(world.office))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    assert "13800000001" not in xml
    assert "陈专班" not in xml  # task-force members are not in the ledger export


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+1+2", "-3", "@SUM(A1)"])
def test_cells_that_look_like_formulas_are_written_as_text(world, text):
    Project.objects.filter(pk=world.own.pk).update(name=text, content=text, address=text)
    _, wb, data = download(world.client(world.office))
    ws = wb.active
    header = [c.value for c in ws[HEADER_ROW]]
    row = ws[HEADER_ROW + 1]
    for title in ("项目名称", "建设内容", "建设地点"):
        cell = row[header.index(title)]
        assert cell.data_type == "s", title
        assert cell.value == text  # preserved exactly, no added apostrophe
        assert cell.quotePrefix  # Excel keeps it text even when edited
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_export_is_the_filtered_list_on_every_page(world):
    add_projects(world, 55)  # more than one page of the list (50)
    _, wb, _ = download(world.client(world.office), f"?category={world.industry.pk}")
    names = [r[1] for r in sheet_rows(wb)[HEADER_ROW:] if isinstance(r[0], int)]
    assert len(names) == 56
    assert "沿黄高速武陟至济源段" not in names
    assert sheet_rows(wb)[-1][1] == "共56个项目"

    _, wb, _ = download(world.client(world.office), "?q=沿黄")
    names = [r[1] for r in sheet_rows(wb)[HEADER_ROW:] if isinstance(r[0], int)]
    assert names == ["沿黄高速武陟至济源段"]


def test_archived_projects_are_left_out_unless_asked_for(world):
    Project.objects.filter(pk=world.other.pk).update(archived_at=timezone.now())
    _, wb, _ = download(world.client(world.office))
    assert "沿黄高速武陟至济源段" not in [r[1] for r in sheet_rows(wb)]
    _, wb, _ = download(world.client(world.office), "?archived=include")
    assert "沿黄高速武陟至济源段" in [r[1] for r in sheet_rows(wb)]


def test_query_count_does_not_grow_with_projects(world):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            write_ledger_xlsx(world.programme, world.programme.projects.all(), io.BytesIO())
        return len(ctx)

    few = count_queries()
    add_projects(world, 15)
    add_projects(world, 5, category=world.infra, start_seq=40)
    assert count_queries() == few


def test_view_query_count_does_not_grow_with_projects(world):
    client = world.client(world.office)
    client.get(URL)  # warm the session

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
            b"".join(response.streaming_content)
        return len(ctx)

    few = count_queries()
    add_projects(world, 12)
    assert count_queries() == few


@pytest.mark.parametrize("who", ["leader", "inspector", "member", "district", "department_user"])
def test_programme_members_may_export(world, who):
    response = world.client(getattr(world, who)).get(URL)
    assert response.status_code == 200


def test_outsider_gets_404_and_anonymous_is_sent_to_login(world):
    assert world.client(world.outsider).get(URL).status_code == 404
    response = world.client(None).get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_exported_ledger_imports_back_unchanged(world, tmp_path):
    world.own.task_force.lead_official = "张市长"
    world.own.task_force.save()
    Project.objects.filter(pk=world.own.pk).update(
        planned_start=dt.date(2025, 3, 1),
        planned_finish=dt.date(2026, 6, 30),
        content="=不是公式\n第二行",
        owner=world.enterprise,
        annual_target="主体封顶",
    )
    world.other.districts.add(world.district_a)
    path = tmp_path / "export.xlsx"
    with path.open("wb") as f:
        write_ledger_xlsx(world.programme, world.programme.projects.all(), f)
    with path.open("rb") as f:
        parsed = parse_ledger(f, world.programme)
    assert parsed.errors == []
    assert (parsed.created, parsed.updated, parsed.unchanged) == (0, 0, 2)
    assert parsed.skipped_rows == 3  # two 小计 and the 合计


def test_a_ledger_exported_in_english_imports_back_unchanged(world, tmp_path):
    """The header row and the 小计 / 合计 rows stay Chinese (the importer reads them); the
    title and the level and stage labels follow the language, and read back either way."""
    path = tmp_path / "export-en.xlsx"
    with translation.override("en"), path.open("wb") as f:
        write_ledger_xlsx(world.programme, world.programme.projects.all(), f)
    rows = sheet_rows(openpyxl.load_workbook(path))
    assert "project ledger" in rows[0][0]
    assert rows[HEADER_ROW - 1][:2] == ["序号", "项目名称"]
    assert {row[5] for row in rows[HEADER_ROW:] if isinstance(row[0], int)} == {"Preparation"}
    with path.open("rb") as f:
        parsed = parse_ledger(f, world.programme)
    assert parsed.errors == []
    assert (parsed.created, parsed.updated, parsed.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("sort", ["seq", "name", "-total", "-updated"])
def test_district_filter_and_every_sort_order(world, sort):
    world.other.districts.add(world.district_a)
    add_projects(world, 3, category=world.infra)
    query = f"?district={world.district_b.pk}&sort={sort}"
    _, wb, _ = download(world.client(world.office), query)
    names = [r[1] for r in sheet_rows(wb)[HEADER_ROW:] if isinstance(r[0], int)]
    assert names == ["沿黄高速武陟至济源段"]  # once, though it lies in two districts
    _, wb, _ = download(world.client(world.office), f"?district={world.district_a.pk}&sort={sort}")
    names = [r[1] for r in sheet_rows(wb)[HEADER_ROW:] if isinstance(r[0], int)]
    assert sorted(names) == sorted(
        ["牧野路改造工程", "沿黄高速武陟至济源段", "批量项目010", "批量项目011", "批量项目012"]
    )
    assert names[0] == "牧野路改造工程"  # grouped by category: industry first


def test_the_totals_say_how_many_paused_projects_they_hold(world):
    """The ledger list leaves paused projects out of its annual plan; the workbook lists and
    sums every project, so its note under the title names the paused ones."""
    import datetime

    from keyworks.core.calendar import SHANGHAI
    from keyworks.reporting.measures import default_month
    from keyworks.reporting.models import ProjectPause
    from keyworks.reporting.services import pause_project

    _, wb, _ = download(world.client(world.office))
    assert "暂停" not in wb.active["A2"].value
    pause_project(world.other, by=world.office, reason="征迁未完成")
    month = default_month(world.programme)
    began = datetime.datetime(month.year, month.month, 2, tzinfo=SHANGHAI)
    ProjectPause.objects.filter(project=world.other).update(started_at=began)
    _, wb, _ = download(world.client(world.office))
    assert f"小计与合计含{month:%Y-%m}暂停项目1个" in wb.active["A2"].value
    with translation.override("en"):
        buffer = io.BytesIO()
        write_ledger_xlsx(
            world.programme, Project.objects.filter(programme=world.programme), buffer
        )
    note = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A2"].value
    assert f"1 project paused in {month:%Y-%m}" in note
