from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import AppendOnlyError, ChangeRecord
from keyworks.ledger import services


def test_task_force_member_updates_own_project_and_it_is_audited(world):
    project = services.update_project(
        world.own,
        {"completed_investment": Decimal("3000.50")},
        by=world.member,
        expected_version=world.own.version,
        reason="月度更新",
    )
    assert project.completed_investment == Decimal("3000.50")
    assert project.version == 2
    record = ChangeRecord.objects.get(project_id=project.pk, action="update")
    # No report yet: the part before the reports is all of it, and moves with it.
    assert record.before == {
        "completed_investment": "2500.00",
        "completed_before_reports": "2500.00",
    }
    assert record.after == {
        "completed_investment": "3000.50",
        "completed_before_reports": "3000.50",
    }
    assert record.actor == world.member and record.reason == "月度更新"


def test_it_refuses_a_stale_version(world):
    services.update_project(world.own, {"address": "A"}, by=world.office, expected_version=1)
    with pytest.raises(services.ConcurrentEditError):
        services.update_project(world.own, {"address": "B"}, by=world.member, expected_version=1)
    world.own.refresh_from_db()
    assert world.own.address == "A"


def test_district_coordinator_changes_only_district_fields(world):
    services.update_project(world.own, {"address": "解放区某路"}, by=world.district)
    with pytest.raises(PermissionDenied):
        services.update_project(world.own, {"total_investment": Decimal("1")}, by=world.district)
    with pytest.raises(PermissionDenied):
        services.update_project(world.other, {"address": "x"}, by=world.district)


def test_finish_before_start_is_an_error(world):
    import datetime

    with pytest.raises(ValidationError) as exc:
        services.update_project(
            world.own,
            {
                "planned_start": datetime.date(2025, 5, 1),
                "planned_finish": datetime.date(2025, 1, 1),
            },
            by=world.office,
        )
    assert "planned_finish" in exc.value.error_dict
    assert ChangeRecord.objects.filter(action="update").count() == 0


def test_negative_amount_is_an_error(world):
    with pytest.raises(ValidationError) as exc:
        services.update_project(world.own, {"total_investment": Decimal("-1")}, by=world.office)
    assert "total_investment" in exc.value.error_dict


def test_completed_above_total_is_only_a_warning(world):
    project = services.update_project(
        world.own, {"completed_investment": Decimal("20000")}, by=world.office
    )
    assert services.ledger_warnings(project)


def test_change_records_are_append_only(world):
    services.archive_project(world.own, by=world.office, reason="合并")
    record = ChangeRecord.objects.get(action="archive")
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


def test_archive_needs_office_and_a_reason(world):
    with pytest.raises(PermissionDenied):
        services.archive_project(world.own, by=world.member, reason="x")
    with pytest.raises(ValidationError):
        services.archive_project(world.own, by=world.office, reason=" ")
    project = services.archive_project(world.own, by=world.office, reason="项目合并")
    assert project.is_archived
    restored = services.restore_project(project, by=world.office)
    assert not restored.is_archived


def test_bulk_create_audits_each_project_and_builds_task_forces(world):
    items = [
        {"name": f"批量项目{i}", "category": world.industry, "total_investment": Decimal("100"),
         "districts": [world.district_a], "lead_official": "张副市长"}
        for i in range(3)
    ]  # fmt: skip
    projects = services.create_projects(world.programme, items, by=world.office, reason="导入")
    assert [p.seq for p in projects] == [3, 4, 5]
    for project in projects:
        project.refresh_from_db()
        assert project.task_force.lead_official == "张副市长"
        assert list(project.districts.all()) == [world.district_a]
        record = ChangeRecord.objects.get(project_id=project.pk, action="create")
        assert record.after["districts"] == [world.district_a.pk] and record.reason == "导入"


def test_bulk_create_refuses_bad_rows_and_writes_nothing(world):
    from keyworks.ledger.models import Project

    before = Project.objects.count(), ChangeRecord.objects.count()
    items = [
        {"name": "好项目", "category": world.industry, "total_investment": Decimal("1")},
        {"name": world.own.name, "category": world.industry, "total_investment": Decimal("1")},
    ]
    with pytest.raises(ValidationError) as exc:
        services.create_projects(world.programme, items, by=world.office)
    assert "name" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.create_projects(
            world.programme,
            [{"name": "负数", "category": world.industry, "total_investment": Decimal("-1")}],
            by=world.office,
        )
    with pytest.raises(PermissionDenied):
        services.create_projects(world.programme, items[:1], by=world.member)
    assert (Project.objects.count(), ChangeRecord.objects.count()) == before


def test_bulk_update_audits_changes_and_guards_versions(world):
    from keyworks.ledger.models import Project

    changes = [
        (world.own, {"total_investment": Decimal("11000"), "districts": [world.district_b],
                     "lead_official": "王副市长"}),
        (world.other, {"total_investment": world.other.total_investment}),  # no real change
    ]  # fmt: skip
    assert services.update_projects(world.programme, changes, by=world.office, reason="导入") == 1
    own = Project.objects.get(pk=world.own.pk)
    assert own.version == 2 and list(own.districts.all()) == [world.district_b]
    assert own.task_force.lead_official == "王副市长"
    record = ChangeRecord.objects.get(action="update", project_id=own.pk)
    assert record.before == {
        "total_investment": "10000.00", "districts": [world.district_a.pk], "lead_official": "",
    }  # fmt: skip
    assert not ChangeRecord.objects.filter(action="update", project_id=world.other.pk).exists()
    stale = [(world.own, {"address": "旧版本"})]  # world.own still carries version 1
    with pytest.raises(services.ConcurrentEditError) as exc:
        services.update_projects(world.programme, stale, by=world.office)
    assert exc.value.item_index == 0
    with pytest.raises(PermissionDenied):
        services.update_projects(world.programme, [(own, {"address": "x"})], by=world.member)
