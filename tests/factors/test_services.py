import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from keyworks.audit.models import ChangeRecord
from keyworks.core.calendar import local_today
from keyworks.factors import demo, services
from keyworks.factors.models import FactorItem
from keyworks.factors.reminders import reminders_for

from .conftest import item


def test_shortfall_and_overdue():
    today = datetime.date(2025, 6, 30)
    factor = FactorItem(kind="land", demand=Decimal("100"), secured=Decimal("60"))
    assert factor.shortfall == Decimal("40") and factor.has_shortfall
    assert not factor.is_overdue(today)  # no deadline
    factor.deadline = today
    assert not factor.is_overdue(today)  # due today is not overdue yet
    factor.deadline = today - datetime.timedelta(days=1)
    assert factor.is_overdue(today)
    factor.secured = Decimal("120")  # more than needed: no shortfall
    assert factor.shortfall == 0 and not factor.is_overdue(today)
    assert factor.unit_label == "亩"
    assert FactorItem(kind="water").unit_label == "万立方米"
    assert FactorItem(kind="energy", unit="万千瓦时").unit_label == "万千瓦时"


def test_create_defaults_validates_and_audits(world):
    created = item(world, kind="environment", unit="")
    assert created.unit == "吨" and created.version == 1
    record = ChangeRecord.objects.get(object_type="factors.factoritem", action="create")
    assert record.project_id == world.own.pk and record.after["demand"] == "100.00"
    with pytest.raises(ValidationError) as exc:
        item(world, demand=Decimal("-1"))
    assert "demand" in exc.value.error_dict
    with pytest.raises(ValidationError):
        item(world, kind="gold")


@pytest.mark.parametrize(
    ("who", "own", "other"),
    [
        ("office", True, True),
        ("member", True, False),
        ("other_member", False, True),
        ("district", True, False),
        ("leader", False, False),
        ("inspector", False, False),
        ("department_user", False, False),
        ("outsider", False, False),
    ],
)
def test_who_adds_items(world, who, own, other):
    user = getattr(world, who)
    for project, allowed in ((world.own, own), (world.other, other)):
        if allowed:
            assert item(world, project=project, by=user).pk
        else:
            with pytest.raises(PermissionDenied):
                item(world, project=project, by=user)


def test_responsible_unit_updates_secured_only(world):
    factor = item(world)
    updated = services.update_item(
        factor,
        {"secured": Decimal("80"), "note": "已挂牌出让"},
        by=world.department_user,
        expected_version=1,
    )
    assert updated.secured == Decimal("80") and updated.version == 2
    with pytest.raises(PermissionDenied):
        services.update_item(updated, {"demand": Decimal("90")}, by=world.department_user)
    # Sending an unchanged value of another field is fine.
    services.update_item(
        updated, {"demand": Decimal("100"), "secured": Decimal("85")}, by=world.department_user
    )
    unassigned = item(world, responsible_unit=None)
    with pytest.raises(PermissionDenied):
        services.update_item(unassigned, {"secured": Decimal("1")}, by=world.department_user)
    with pytest.raises(PermissionDenied):
        services.update_item(factor, {"secured": Decimal("1")}, by=world.leader)
    record = ChangeRecord.objects.filter(action="update").order_by("id").first()
    assert record.before == {"secured": "60.00", "note": ""}
    assert record.after == {"secured": "80.00", "note": "已挂牌出让"}


def test_stale_edit_refused(world):
    factor = item(world)
    services.update_item(factor, {"secured": Decimal("70")}, by=world.member, expected_version=1)
    with pytest.raises(services.ConcurrentEditError):
        services.update_item(
            factor, {"secured": Decimal("75")}, by=world.office, expected_version=1
        )
    factor.refresh_from_db()
    assert factor.secured == Decimal("70")


def test_archived_project_is_read_only(world):
    factor = item(world)
    world.own.__class__.objects.filter(pk=world.own.pk).update(archived_at=timezone.now())
    factor.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.update_item(factor, {"secured": Decimal("70")}, by=world.office)


def test_shortfalls_for_the_dispatch_agenda(world, items):
    result = services.shortfalls(world.programme)
    assert [i.pk for i in result] == [items["overdue"].pk, items["short"].pk, items["other"].pk]
    first = result[0]
    assert first.project == world.own and first.kind_label == "能耗"
    assert (first.demand, first.secured, first.shortfall) == (500, 100, 400)
    assert first.unit_label == "吨标煤" and first.overdue
    assert first.responsible_unit == world.department
    assert first.deadline < local_today()
    assert not result[1].overdue
    world.other.__class__.objects.filter(pk=world.other.pk).update(archived_at=timezone.now())
    assert items["other"].pk not in [i.pk for i in services.shortfalls(world.programme)]


def test_totals_by_kind(world, items):
    extra = item(world, kind="energy", unit="万千瓦时", demand=Decimal("10"), secured=Decimal("0"))
    totals = services.totals_by_kind(FactorItem.objects.all())
    keyed = {(t.kind, t.unit_label): t for t in totals}
    assert [t.kind for t in totals] == ["land", "energy", "energy", "water", "funding"]
    assert keyed[("energy", "吨标煤")].shortfall == Decimal("400")
    assert keyed[("energy", "万千瓦时")].shortfall == Decimal("10")  # never added to 吨标煤
    assert keyed[("water", "万立方米")].short_count == 0
    assert extra.pk


def test_reminders(world, items):
    today = local_today()
    near = item(
        world,
        kind="talent",
        demand=Decimal("5"),
        secured=Decimal("1"),
        deadline=today + datetime.timedelta(days=3),
    )
    dept = reminders_for(world.department_user, today)
    assert {r.url for r in dept} == {
        f"/factors/{items['overdue'].pk}/edit/",
        f"/factors/{near.pk}/edit/",
    }
    overdue = next(r for r in dept if r.overdue)
    assert "要素保障已逾期" in overdue.title and "缺口 400.00吨标煤" in overdue.title
    assert len(reminders_for(world.member, today)) == 2  # own project
    assert reminders_for(world.other_member, today) == []  # its item is due in 30 days
    assert reminders_for(world.leader, today) == []
    assert reminders_for(world.outsider, today) == []


def test_demo_is_idempotent(world):
    first = demo.load_demo(world.programme)
    # The world has projects 1 and 2 only: their four demo items.
    assert first["factor_items"] == 4
    assert demo.load_demo(world.programme) == {}
    assert FactorItem.objects.count() == 4
    assert services.shortfalls(world.programme)


def test_errors_speak_the_active_language(world):
    from django.utils import translation

    with pytest.raises(ValidationError) as exc:
        item(world, demand=Decimal("-1"))
    assert exc.value.message_dict["demand"] == ["需求量须为非负数"]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        item(world, demand=Decimal("-1"))
    assert exc.value.message_dict["demand"] == ["The demand must not be negative"]
