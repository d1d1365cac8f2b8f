"""Field-work reminders and demo data."""

import datetime
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from keyworks.fieldwork import services
from keyworks.fieldwork.demo import load_demo
from keyworks.fieldwork.models import ProgressUpdate, Visit, VisitStatus
from keyworks.fieldwork.reminders import quarter_bounds, reminders_for
from keyworks.ledger.models import Programme

from .conftest import report, visit_data

TODAY = datetime.date(2025, 9, 10)


def kinds(user, today=TODAY):
    return Counter(r.kind for r in reminders_for(user, today))


def test_quarter_bounds():
    assert quarter_bounds(datetime.date(2025, 11, 29)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )
    assert quarter_bounds(datetime.date(2025, 2, 1)) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 3, 31),
    )


def test_task_force_update_due(world):
    today = timezone.localdate()
    # Updates are owed during the programme's year: make it this year's programme.
    Programme.objects.filter(pk=world.programme.pk).update(year=today.year)
    assert kinds(world.member, today) == {"update_due": 1}
    update = services.post_update(
        world.own, {"text": "进展", "percent_complete": 10}, by=world.member
    )
    assert kinds(world.member, today) == {}
    ProgressUpdate.objects.filter(pk=update.pk).update(
        posted_at=timezone.now() - datetime.timedelta(days=15)
    )
    (reminder,) = reminders_for(world.member, today)
    assert reminder.overdue and reminder.url == f"/fieldwork/project/{world.own.pk}/updates/"
    assert kinds(world.office, today)["update_due"] == 0


def test_inspector_verifications_due_this_quarter(world):
    report(world.own)
    assert kinds(world.inspector) == {"verification_due": 2}
    services.record_visit(world.own, visit_data(), by=world.inspector)  # 2025-09-02, Q3
    (reminder,) = reminders_for(world.inspector, TODAY)
    assert reminder.url == f"/fieldwork/project/{world.other.pk}/visits/new/"
    assert reminder.due == datetime.date(2025, 9, 30)
    assert kinds(world.inspector, datetime.date(2025, 10, 2)) == {"verification_due": 2}
    assert kinds(world.member)["verification_due"] == 0


def test_nothing_is_owed_outside_the_programme_year(world):
    """A 2025 programme owes no updates or verifications in 2026 (nor before 2025)."""
    for day in (datetime.date(2026, 3, 10), datetime.date(2024, 12, 20)):
        assert kinds(world.member, day)["update_due"] == 0
        assert kinds(world.inspector, day)["verification_due"] == 0
    assert kinds(world.member, datetime.date(2025, 3, 10))["update_due"] == 1
    assert kinds(world.inspector, datetime.date(2025, 3, 10))["verification_due"] == 2


def test_office_sees_disputes_to_resolve(world):
    report(world.own, ytd="2000.00")
    visit = services.record_visit(
        world.own, visit_data(verified_investment=Decimal("100")), by=world.inspector
    )
    assert kinds(world.office) == {"verification_disputed": 1}
    (item,) = [r for r in reminders_for(world.office, TODAY) if r.kind == "verification_disputed"]
    assert item.due is None and not item.overdue  # no deadline of its own
    assert f"核验于 {visit.visit_date:%Y-%m-%d}" in item.detail
    services.resolve_dispute(visit, "已核实", by=world.office)
    assert kinds(world.office) == {}


def test_demo_is_idempotent(world):
    november = datetime.date(2025, 11, 1)
    report(world.own, month=november, ytd="3000.00")
    world.own.latitude, world.own.longitude = Decimal("35.2517"), Decimal("113.1283")
    world.own.save()
    created = load_demo(world.programme)
    assert created["progress_updates"] > 0 and created["visits"] == 1
    assert created["visit_photos"] == 1
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.CONSISTENT and visit.photos.get().flags == []
    assert load_demo(world.programme) == Counter()
