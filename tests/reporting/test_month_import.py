"""The monthly template (月报填报模板): download, fill in, preview, all-or-nothing write."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from keyworks.audit.models import ChangeRecord
from keyworks.core.imports import ImportRefused
from keyworks.ledger.models import Project
from keyworks.reporting import month_import, services
from keyworks.reporting.models import MonthlyReport, ReportStatus

from .conftest import MAY, draft, submitted

HEADER = 3  # title, note, header


def template(world, user, month=MAY) -> Workbook:
    projects = (
        Project.objects.filter(programme=world.programme)
        if user == world.office
        else Project.objects.filter(task_force=world.own.task_force)
    )
    buffer = io.BytesIO()
    month_import.write_template(world.programme, month, projects, buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def fill(wb, row_values: dict[int, dict[str, object]]) -> bytes:
    """Set cells by (data row index from 0) → {header text: value}."""
    ws = wb.active
    headers = {ws.cell(HEADER, c).value: c for c in range(1, ws.max_column + 1)}
    for index, values in row_values.items():
        for header, value in values.items():
            ws.cell(HEADER + 1 + index, headers[header], value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse(world, data: bytes, user, month=MAY):
    return month_import.parse_month_template(io.BytesIO(data), world.programme, month, user)


AMOUNT, PROGRESS = "当月完成投资（万元）", "形象进度"


def test_template_lists_the_users_projects_with_the_month(world):
    ws = template(world, world.member).active
    assert ws["A1"].value == "焦作市2025年三十工程2025年5月月报填报模板"
    assert "报告月份：2025-05" in ws["A2"].value
    assert [ws.cell(r, 2).value for r in range(4, ws.max_row + 1)] == ["牧野路改造工程"]
    office = template(world, world.office).active
    assert office.max_row == HEADER + 2


def test_task_force_fills_in_its_report_as_a_draft(world):
    data = fill(template(world, world.member), {0: {AMOUNT: 123.45, PROGRESS: "主体结构施工"}})
    parsed = parse(world, data, world.member)
    assert parsed.ok, parsed.errors
    (row,) = parsed.rows
    assert row.action == "create" and row.project == world.own
    counts = services.apply_month_template(parsed, by=world.member, file_name="五月.xlsx")
    assert counts == {"created": 1, "updated": 0}
    report = MonthlyReport.objects.get(project=world.own, month=MAY)
    assert report.status == ReportStatus.DRAFT
    assert report.completed_this_month == Decimal("123.45")
    assert report.progress_text == "主体结构施工"
    assert ChangeRecord.objects.filter(action="import", reason="导入月报模板：五月.xlsx").exists()
    assert ChangeRecord.objects.filter(
        object_type="reporting.monthlyreport", reason="导入月报模板：五月.xlsx"
    ).exists()


def test_blank_rows_are_left_alone_and_blank_cells_keep_the_draft(world):
    draft(world, progress_text="已有内容", completed_this_month=Decimal("50"))
    data = fill(template(world, world.office), {0: {AMOUNT: 80, PROGRESS: None}})
    parsed = parse(world, data, world.office)
    own, other = sorted(parsed.rows, key=lambda r: r.row)
    assert own.action == "update" and other.action == "skip"
    services.apply_month_template(parsed, by=world.office, file_name="f.xlsx")
    report = MonthlyReport.objects.get(project=world.own, month=MAY)
    assert report.completed_this_month == Decimal("80.00")
    assert report.progress_text == "已有内容"
    assert not MonthlyReport.objects.filter(project=world.other, month=MAY).exists()


def test_office_imports_for_every_project_and_the_task_force_still_submits(world):
    data = fill(template(world, world.office), {0: {AMOUNT: 10}, 1: {AMOUNT: 20}})
    parsed = parse(world, data, world.office)
    services.apply_month_template(parsed, by=world.office, file_name="汇总.xlsx")
    other = MonthlyReport.objects.get(project=world.other, month=MAY)
    assert other.status == ReportStatus.DRAFT and other.completed_this_month == Decimal("20")
    services.submit(other, by=world.other_member)
    assert MonthlyReport.objects.get(pk=other.pk).status == ReportStatus.SUBMITTED


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({AMOUNT: -5}, "金额不能为负数"),
        ({AMOUNT: "很多"}, "无法识别的金额"),
        ({AMOUNT: "#DIV/0!"}, "Excel 错误值 #DIV/0!"),
        ({"项目名称": "不存在的项目", "项目代码": "", AMOUNT: 1}, "本计划中没有项目"),
    ],
)
def test_bad_cells_are_row_and_column_errors(world, values, expected):
    data = fill(template(world, world.member), {0: values})
    parsed = parse(world, data, world.member)
    assert not parsed.ok
    assert any(expected in e.message and e.row == HEADER + 1 for e in parsed.errors)


def test_row_errors_are_in_the_active_language(world):
    data = fill(template(world, world.member), {0: {AMOUNT: -5}})
    with translation.override("en"):
        parsed = parse(world, data, world.member)
    assert [e.message for e in parsed.errors if e.row == HEADER + 1] == [
        f"Row {HEADER + 1}, column D: Amounts cannot be negative"
    ]


def test_another_task_forces_project_is_refused(world):
    data = fill(template(world, world.office), {1: {AMOUNT: 5}})
    parsed = parse(world, data, world.member)
    assert [e.row for e in parsed.errors] == [HEADER + 2]
    assert "不能填报该项目" in parsed.errors[0].message


def test_submitted_report_cannot_be_changed_by_import(world):
    submitted(world)
    parsed = parse(world, fill(template(world, world.member), {0: {AMOUNT: 1}}), world.member)
    assert "已提交" in parsed.errors[0].message and "更正申请" in parsed.errors[0].message


def test_duplicate_rows_and_wrong_month_and_future_month(world):
    wb = template(world, world.member)
    wb.active.append([1, "牧野路改造工程", world.own.code, 9])
    parsed = parse(world, fill(wb, {0: {AMOUNT: 1}}), world.member)
    assert any("重复" in e.message for e in parsed.errors)
    june = parse(world, fill(template(world, world.member), {0: {AMOUNT: 1}}), world.member,
                 month=datetime.date(2025, 6, 1))  # fmt: skip
    assert "2025年5月的模板" in june.errors[0].message
    future = parse(world, b"", world.member, month=datetime.date(2099, 1, 1))
    assert "未来月份" in future.errors[0].message


def test_one_bad_row_means_nothing_is_written(world):
    data = fill(template(world, world.office), {0: {AMOUNT: 10}, 1: {AMOUNT: -1}})
    parsed = parse(world, data, world.office)
    with pytest.raises(ImportRefused):
        services.apply_month_template(parsed, by=world.office, file_name="f.xlsx")
    assert not MonthlyReport.objects.filter(month=MAY).exists()


def test_a_draft_changed_after_the_preview_is_not_overwritten(world):
    report = draft(world, completed_this_month=Decimal("1"))
    parsed = parse(world, fill(template(world, world.member), {0: {AMOUNT: 2}}), world.member)
    services.save_draft(report, {"progress_text": "别人刚改过"}, by=world.member)
    with pytest.raises(ImportRefused) as refused:
        services.apply_month_template(parsed, by=world.member, file_name="f.xlsx")
    assert "已被他人修改" in refused.value.issues[0].message
    assert MonthlyReport.objects.get(pk=report.pk).completed_this_month == Decimal("1.00")


def test_a_file_that_is_not_a_workbook_is_refused(world):
    parsed = parse(world, b"not a workbook at all", world.member)
    assert parsed.errors and not parsed.ok


def test_a_sheet_with_a_value_far_away_is_refused_with_the_reason(world):
    wb = template(world, world.member)
    wb.active["XFD1048576"] = "误填"
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = parse(world, buffer.getvalue(), world.member)
    assert [e.message for e in parsed.errors] == ["工作表数据范围过大"]


def test_upload_preview_confirm_through_the_pages(world):
    client = world.client(world.member)
    data = fill(template(world, world.member), {0: {AMOUNT: 66}})
    upload = io.BytesIO(data)
    upload.name = "五月月报.xlsx"
    response = client.post(reverse("reporting:month_import"), {"month": "2025-05", "file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and "新填 1" in preview.content.decode()
    done = client.post(response["Location"], {"action": "confirm"})
    assert done.status_code == 302
    assert MonthlyReport.objects.get(project=world.own, month=MAY).completed_this_month == 66


def test_template_download_through_the_page(world):
    response = world.client(world.member).get(
        reverse("reporting:month_template"), {"month": "2025-05"}
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["B4"].value == "牧野路改造工程"


@pytest.mark.parametrize(
    ("who", "status"),
    [("office", 200), ("member", 200), ("leader", 403), ("inspector", 403),
     ("district", 403), ("department_user", 403), ("outsider", 404)],
)  # fmt: skip
def test_who_may_import(world, who, status):
    client = world.client(getattr(world, who))
    assert client.get(reverse("reporting:month_import")).status_code == status
    assert client.get(reverse("reporting:month_template")).status_code == status
