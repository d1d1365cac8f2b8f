import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from keyworks.audit.models import ChangeRecord
from keyworks.ledger import services
from keyworks.ledger.importer import LedgerImportError, apply_ledger_import, parse_ledger
from keyworks.ledger.models import Project
from keyworks.orgs.models import Unit

from .ledger_xlsx import HEADERS, row, write_ledger

CODE = "2501-410800-04-01-000001"


def parse(path, world):
    with open(path, "rb") as f:
        return parse_ledger(f, world.programme)


def do_import(path, world, by=None):
    parsed = parse(path, world)
    assert parsed.errors == [], [str(e) for e in parsed.errors]
    return parsed, apply_ledger_import(parsed, by=by or world.office, file_name=path.name)


def state():
    """Everything an import may write, to compare before and after."""
    return (
        Project.objects.count(),
        ChangeRecord.objects.count(),
        Unit.objects.count(),
        sorted(Project.objects.values_list("name", "total_investment", "version")),
    )


def new_row(**extra):
    values = dict(
        seq=3, name="市人才公寓", code=CODE, category="十大基础设施", district="解放区",
        total="12345.6", completed=100, start="2025-03-01", finish="2026年6月",
        responsible="焦作市住房和城乡建设局", owner="焦作城建投资有限公司", lead="刘副市长",
    )  # fmt: skip
    values.update(extra)
    return row(**values)


def test_it_creates_projects_units_and_one_import_record(world, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", [new_row()])
    parsed, summary = do_import(path, world)
    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    project = Project.objects.get(programme=world.programme, code=CODE)
    assert project.name == "市人才公寓" and project.seq == 3
    assert project.category == world.infra
    assert project.total_investment == Decimal("12345.60")
    assert project.completed_investment == Decimal("100.00")
    assert project.planned_start == dt.date(2025, 3, 1)
    assert project.planned_finish == dt.date(2026, 6, 1)
    assert list(project.districts.all()) == [world.district_a]
    assert project.responsible_unit.name == "焦作市住房和城乡建设局"
    assert project.responsible_unit.kind == Unit.Kind.DEPARTMENT
    assert project.owner.kind == Unit.Kind.ENTERPRISE
    assert project.task_force.lead_official == "刘副市长"
    created = ChangeRecord.objects.filter(action="create", object_type="orgs.unit")
    assert created.count() == 2  # the new units are audited
    assert ChangeRecord.objects.filter(action="create", project_id=project.pk).exists()
    record = ChangeRecord.objects.get(action="import")
    assert record.actor == world.office
    assert record.after["file"] == "台账.xlsx"
    assert (record.after["created"], record.after["updated"], record.after["unchanged"]) == (
        1,
        0,
        0,
    )
    assert record.programme_id == world.programme.pk


def test_columns_are_recognised_by_synonyms_and_messy_headers(world, tmp_path):
    headers = [
        "序 号", "项目\n名称", "建设规模及内容", "总投资\n（万元）", "2025年计划投资（万元）",
        "累计完成投资(万元)", "建设地点", "所在县区", "牵头领导", "计划开工时间", "计划竣工时间",
        "项目阶段", "项目级别", "备注",
    ]  # fmt: skip
    values = [
        1, "新项目", "建设厂房", 500, 200, 0, "某路东", "武陟", "李市长", "2025.3", 45717,
        "在建", "省重点", "无",
    ]  # fmt: skip
    path = write_ledger(tmp_path / "a.xlsx", [values], headers=headers)
    parsed = parse(path, world)
    assert {c.field for c in parsed.columns} >= {
        "seq", "name", "content", "total_investment", "annual_investment",
        "completed_investment", "address", "districts", "lead_official", "planned_start",
        "planned_finish", "stage", "grade",
    }  # fmt: skip
    assert ("N", "备注") in parsed.unrecognised
    # no category column: a new project needs one
    assert any("项目类别" in str(e) for e in parsed.errors)


def test_dates_in_every_office_format(world, tmp_path):
    formats = ["2025-03-01", "2025-03", "2025年3月", "2025.3", 45717, dt.datetime(2025, 3, 1)]
    rows = [
        new_row(seq=i + 1, name=f"项目{i}", code=None, start=value, finish="2027-01-01",
                responsible=None, owner=None, lead=None)
        for i, value in enumerate(formats)
    ]  # fmt: skip
    do_import(write_ledger(tmp_path / "d.xlsx", rows), world)
    starts = set(
        Project.objects.filter(name__startswith="项目").values_list("planned_start", flat=True)
    )
    assert starts == {dt.date(2025, 3, 1)}


def test_invalid_project_code_is_reported_by_row_and_column(world, tmp_path):
    path = write_ledger(tmp_path / "c.xlsx", [new_row(code="2501-4108-04-01-1")])
    parsed = parse(path, world)
    messages = [str(e) for e in parsed.errors]
    assert len(messages) == 1
    assert messages[0].startswith("第3行「项目代码」：项目代码格式不正确")
    assert "2501-4108-04-01-1" in messages[0]
    assert parsed.errors[0].row == 3 and parsed.errors[0].letter == "C"
    assert not parsed.ok


def test_excel_error_values_are_errors_not_blanks(world, tmp_path):
    # openpyxl stores these as error cells (t="e"), as Excel does for a broken formula.
    path = write_ledger(tmp_path / "e.xlsx", [new_row(total="#DIV/0!", lead="#N/A")])
    before = state()
    parsed = parse(path, world)
    by_letter = {e.letter: str(e) for e in parsed.errors}
    assert set(by_letter) == {"F", "L"}
    assert "Excel 错误值 #DIV/0!" in by_letter["F"] and "Excel 错误值 #N/A" in by_letter["L"]
    assert all(e.row == 3 for e in parsed.errors) and not parsed.ok
    assert state() == before


def test_unknown_district_is_an_error(world, tmp_path):
    path = write_ledger(tmp_path / "d.xlsx", [new_row(district="武陟县、火星区")])
    messages = [str(e) for e in parse(path, world).errors]
    assert messages == [
        "第3行「所在县(市、区)」：未知县(市、区)“火星区”（须为焦作市所辖县(市、区)）"
    ]
    with translation.override("en"):
        english = [str(e) for e in parse(path, world).errors]
    assert english == [
        "Row 3, 所在县(市、区): Unknown district “火星区” (it must be a district of 焦作市)"
    ]


def test_several_districts_by_name_short_name_or_code(world, tmp_path):
    do_import(write_ledger(tmp_path / "d.xlsx", [new_row(district="解放，武陟县 410823")]), world)
    project = Project.objects.get(code=CODE)
    assert set(project.districts.all()) == {world.district_a, world.district_b}


def test_unknown_category_is_an_error(world, tmp_path):
    path = write_ledger(tmp_path / "c.xlsx", [new_row(category="十大文旅")])
    messages = [str(e) for e in parse(path, world).errors]
    assert len(messages) == 1 and "未知项目类别“十大文旅”" in messages[0]


def test_category_by_code_or_with_suffix(world, tmp_path):
    rows = [
        new_row(name="甲", code=None, category="infra"),
        new_row(seq=4, name="乙", code=None, category="十大工业项目"),
    ]
    do_import(write_ledger(tmp_path / "c.xlsx", rows), world)
    assert Project.objects.get(name="甲").category == world.infra
    assert Project.objects.get(name="乙").category == world.industry


def test_bad_and_negative_amounts_are_errors(world, tmp_path):
    rows = [new_row(total="abc"), new_row(seq=4, name="乙", code=None, completed=-5)]
    messages = [str(e) for e in parse(write_ledger(tmp_path / "a.xlsx", rows), world).errors]
    assert messages == [
        "第3行「总投资（万元）」：不是有效金额“abc”",
        "第4行「累计完成投资（万元）」：金额不能为负数“-5”",
    ]


def test_finish_before_start_is_an_error(world, tmp_path):
    path = write_ledger(tmp_path / "f.xlsx", [new_row(start="2026-05-01", finish="2025-01-01")])
    messages = [str(e) for e in parse(path, world).errors]
    assert len(messages) == 1
    assert messages[0].startswith("第3行「计划竣工」：计划竣工日期早于计划开工日期")


def test_finish_before_existing_start_is_an_error_too(world, tmp_path):
    Project.objects.filter(pk=world.own.pk).update(planned_start=dt.date(2025, 6, 1))
    path = write_ledger(
        tmp_path / "f.xlsx", [["牧野路改造工程", "2025-01-01"]], headers=["项目名称", "计划竣工"]
    )
    assert "计划竣工日期早于计划开工日期" in str(parse(path, world).errors[0])


def test_bad_date_is_an_error(world, tmp_path):
    path = write_ledger(tmp_path / "f.xlsx", [new_row(start="明年春天")])
    messages = [str(e) for e in parse(path, world).errors]
    assert len(messages) == 1 and messages[0].startswith(
        "第3行「计划开工」：不是有效日期“明年春天”"
    )


def test_yi_yuan_header_converts_to_wan(world, tmp_path):
    headers = [h.replace("总投资（万元）", "总投资（亿元）") for h in HEADERS]
    do_import(write_ledger(tmp_path / "y.xlsx", [new_row(total="7.27")], headers=headers), world)
    assert Project.objects.get(code=CODE).total_investment == Decimal("72700.00")


def test_unit_note_above_the_header_sets_the_unit(world, tmp_path):
    headers = [h.replace("（万元）", "") for h in HEADERS]
    path = write_ledger(tmp_path / "n.xlsx", [new_row(total="1.5", completed="0.25")], headers)
    wb = openpyxl.load_workbook(path)
    wb.active.insert_rows(2)
    wb.active["L2"] = "单位：亿元"
    wb.save(path)
    do_import(path, world)
    project = Project.objects.get(code=CODE)
    assert project.total_investment == Decimal("15000.00")
    assert project.completed_investment == Decimal("2500.00")


def two_row_header_ledger(path):
    """Title, a two-row header with merged cells, a heading row, blank and total rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "焦作市2025年三十工程项目台账"
    ws.merge_cells("A1:H1")
    for col, text in zip("ABCD", ["序号", "项目名称", "项目代码", "所在县(市、区)"], strict=True):
        ws[f"{col}2"] = text
        ws.merge_cells(f"{col}2:{col}3")
    ws["E2"] = "投资情况（亿元）"
    ws.merge_cells("E2:G2")
    ws["E3"], ws["F3"], ws["G3"] = "总投资", "年度计划\n投资", "累计完成投资（万元）"
    ws["H2"] = "计划开工"
    ws.merge_cells("H2:H3")
    ws["A4"] = "合计"
    ws["E4"] = "=SUM(E6:E9)"
    ws["A5"] = "一、十大基础设施项目（2个）"
    ws.merge_cells("A5:H5")
    ws.append([1, "沿太行高速焦作至济源段", None, "解放区", 3.5, 1, 5000, "2025-03"])
    ws.append([])
    ws.append([2, "山阳路大沙河桥", None, "武陟县", 0.5, 0.2, 0, None])
    ws.append(["小计", None, None, None, 4, 1.2, 5000, None])
    ws.append(["二、十大工业项目"])
    ws.append([3, "健康元高端原料药", None, "解放区", 2, None, None, None])
    wb.save(path)
    return path


def test_two_row_merged_header_headings_blank_and_total_rows(world, tmp_path):
    parsed = parse(two_row_header_ledger(tmp_path / "two.xlsx"), world)
    assert parsed.errors == [], [str(e) for e in parsed.errors]
    assert parsed.header_rows == 2
    fields = {c.field: c.unit for c in parsed.columns}
    assert fields["total_investment"] == "亿元" and fields["annual_investment"] == "亿元"
    assert fields["completed_investment"] == "万元"
    assert [r.name for r in parsed.rows] == [
        "沿太行高速焦作至济源段",
        "山阳路大沙河桥",
        "健康元高端原料药",
    ]
    assert parsed.skipped_rows == 4  # 合计, two headings, 小计
    apply_ledger_import(parsed, by=world.office, file_name="two.xlsx")
    road = Project.objects.get(name="沿太行高速焦作至济源段")
    assert road.total_investment == Decimal("35000.00")
    assert road.annual_investment == Decimal("10000.00")
    assert road.completed_investment == Decimal("5000.00")
    assert road.category == world.infra  # from the heading row
    assert Project.objects.get(name="健康元高端原料药").category == world.industry
    assert Project.objects.count() == 5  # world's two and the three rows


def test_total_rows_are_never_imported(world, tmp_path):
    rows = [new_row(), ["合  计", None, None, None, None, 99999], [None, "小计（续建）"]]
    parsed = parse(write_ledger(tmp_path / "t.xlsx", rows), world)
    assert parsed.errors == [] and len(parsed.rows) == 1 and parsed.skipped_rows == 2


def test_reimport_updates_and_never_duplicates(world, tmp_path):
    path = write_ledger(tmp_path / "r.xlsx", [new_row()])
    do_import(path, world)
    count = Project.objects.count()
    # the same file again: nothing changes, no update records
    before_records = ChangeRecord.objects.exclude(action="import").count()
    parsed, summary = do_import(path, world)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert ChangeRecord.objects.exclude(action="import").count() == before_records
    assert Project.objects.count() == count
    # a changed amount: one update with the changed field only
    path = write_ledger(tmp_path / "r2.xlsx", [new_row(total="20000", lead="王副市长")])
    parsed, summary = do_import(path, world)
    assert (summary.created, summary.updated) == (0, 1)
    assert [c.field for c in parsed.rows[0].changes] == ["total_investment", "lead_official"]
    project = Project.objects.get(code=CODE)
    assert Project.objects.count() == count
    assert project.total_investment == Decimal("20000.00") and project.version == 2
    assert project.task_force.lead_official == "王副市长"
    update = ChangeRecord.objects.get(action="update", object_type="ledger.project")
    # one record per row: the task force's lead official changes with the project
    assert update.before == {"total_investment": "12345.60", "lead_official": "刘副市长"}
    assert update.after == {"total_investment": "20000.00", "lead_official": "王副市长"}


def test_rows_match_on_code_then_on_name(world, tmp_path):
    rows = [
        new_row(name="牧野路改造工程", code=None, district="解放区", total=10000),
        new_row(seq=2, name="沿黄高速（新名）", code=None, total=10000),
    ]
    Project.objects.filter(pk=world.other.pk).update(code=CODE)
    rows[1][2] = CODE
    parsed = parse(write_ledger(tmp_path / "m.xlsx", rows), world)
    assert [r.project for r in parsed.rows] == [world.own, world.other]
    assert [c.field for c in parsed.rows[1].changes][:1] == ["name"]
    assert parsed.created == 0


def test_a_project_twice_in_the_file_is_an_error(world, tmp_path):
    rows = [new_row(), new_row(seq=4, name="另一个名字")]
    messages = [str(e) for e in parse(write_ledger(tmp_path / "dup.xlsx", rows), world).errors]
    assert messages == ["第4行「项目代码」：与第3行重复（同一项目只能出现一次）"]


def test_a_failed_import_leaves_the_database_as_it_was(world, tmp_path):
    rows = [new_row(seq=i, name=f"项目{i}", code=None) for i in range(1, 5)]
    rows.append(new_row(seq=9, name="最后一行", code=None, district="不存在县"))
    path = write_ledger(tmp_path / "bad-last.xlsx", rows)
    before = state()
    parsed = parse(path, world)
    assert [e.row for e in parsed.errors] == [7]
    with pytest.raises(LedgerImportError):
        apply_ledger_import(parsed, by=world.office, file_name=path.name)
    assert state() == before


def test_a_failure_while_writing_rolls_back_the_earlier_rows(world, tmp_path):
    """The last row's project changes between the preview and the confirm: the earlier
    rows, already written inside the transaction, are rolled back with it."""
    rows = [new_row(seq=i, name=f"项目{i}", code=None) for i in range(1, 4)]
    rows.append(new_row(seq=1, name="牧野路改造工程", code=None, total=1))
    path = write_ledger(tmp_path / "late.xlsx", rows)
    parsed = parse(path, world)
    assert parsed.ok and parsed.created == 3 and parsed.updated == 1
    services.update_project(world.own, {"address": "他人修改"}, by=world.member)
    before = state()
    with pytest.raises(LedgerImportError) as exc:
        apply_ledger_import(parsed, by=world.office, file_name=path.name)
    assert "第6行" in str(exc.value)
    assert state() == before


def test_archived_project_with_changes_is_an_error(world, tmp_path):
    services.archive_project(world.own, by=world.office, reason="停建")
    path = write_ledger(tmp_path / "a.xlsx", [new_row(name="牧野路改造工程", code=None)])
    assert "已归档" in str(parse(path, world).errors[0])


def test_blank_cells_never_erase_stored_values(world, tmp_path):
    Project.objects.filter(pk=world.own.pk).update(planned_start=dt.date(2025, 1, 1))
    headers = [
        "项目名称",
        "项目代码",
        "总投资",
        "计划开工",
        "责任单位",
        "所在县(市、区)",
        "建设地点",
    ]
    values = ["牧野路改造工程", None, None, "—", "", None, "新地址"]
    parsed, _ = do_import(write_ledger(tmp_path / "b.xlsx", [values], headers=headers), world)
    assert [c.field for c in parsed.rows[0].changes] == ["address"]
    world.own.refresh_from_db()
    assert world.own.code == "2401-410800-04-01-123456"
    assert world.own.total_investment == Decimal("10000.00")
    assert world.own.planned_start == dt.date(2025, 1, 1)
    assert world.own.responsible_unit == world.department
    assert list(world.own.districts.all()) == [world.district_a]
    assert world.own.address == "新地址"


def test_only_office_may_apply(world, tmp_path):
    parsed = parse(write_ledger(tmp_path / "p.xlsx", [new_row()]), world)
    for user in (world.leader, world.member, world.district, world.outsider):
        with pytest.raises(PermissionDenied):
            apply_ledger_import(parsed, by=user, file_name="p.xlsx")
    assert not Project.objects.filter(code=CODE).exists()


def test_not_an_xlsx_is_a_file_level_error(world, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("序号,项目名称\n1,假项目\n", encoding="utf-8")
    parsed = parse(path, world)
    assert not parsed.ok and parsed.errors[0].row is None
    assert "不是有效的 Excel" in str(parsed.errors[0])


def test_no_header_is_a_file_level_error(world, tmp_path):
    path = write_ledger(tmp_path / "h.xlsx", [[1, 2, 3]], headers=["甲", "乙", "丙"])
    assert "未找到表头" in str(parse(path, world).errors[0])


def test_parsing_does_not_query_per_row(world, tmp_path, django_assert_max_num_queries):
    rows = [new_row(seq=i, name=f"项目{i}", code=None) for i in range(1, 41)]
    path = write_ledger(tmp_path / "q.xlsx", rows)
    with django_assert_max_num_queries(10):
        parsed = parse(path, world)
    assert parsed.created == 40
