"""Each month is measured against the annual target in force at its end: a revision
accepted in July moves July onwards and leaves the months before as they were."""

import datetime
from decimal import Decimal

from keyworks.core.calendar import SHANGHAI
from keyworks.reporting.measures import programme_months, project_measures, rollup
from keyworks.targets import services as target_services
from keyworks.targets.models import AnnualTarget
from tests.targets.conftest import accepted as accepted_target
from tests.targets.conftest import content, decisions

from .conftest import accepted as accepted_report

JUNE, JULY, DEC = (datetime.date(2025, m, 1) for m in (6, 7, 12))


def reviewed_on(target, month, day):
    at = datetime.datetime(2025, month, day, 10, tzinfo=SHANGHAI)
    AnnualTarget.objects.filter(pk=target.pk).update(reviewed_at=at)


def revised(world, target, investment):
    draft = target_services.revise_target(
        target, by=world.member, reason="增加投资", data=content(investment=investment)
    )
    draft = target_services.submit_target(draft, by=world.member)
    return target_services.review_target(draft, decisions(draft), by=world.office)


def test_a_revision_moves_only_the_months_after_it(world):
    first = accepted_target(world, investment="4000.00")
    reviewed_on(first, 2, 10)
    accepted_report(world, month=JUNE, completed_this_month=Decimal("2000"))
    june_before = project_measures(world.programme, JUNE)[world.own.pk]
    assert (june_before.annual_target, june_before.completion_rate) == (
        Decimal("4000.00"),
        Decimal("50.0"),
    )
    second = revised(world, first, "8000.00")
    reviewed_on(second, 7, 15)
    june = project_measures(world.programme, JUNE)[world.own.pk]
    july = project_measures(world.programme, JULY)[world.own.pk]
    december = project_measures(world.programme, DEC)[world.own.pk]
    assert (june.annual_target, june.completion_rate) == (Decimal("4000.00"), Decimal("50.0"))
    assert (july.annual_target, july.completion_rate) == (Decimal("8000.00"), Decimal("25.0"))
    assert december.annual_target == Decimal("8000.00")


def test_before_the_first_acceptance_the_first_target_applies(world):
    target = accepted_target(world, investment="6000.00")
    reviewed_on(target, 4, 1)
    january = project_measures(world.programme, datetime.date(2025, 1, 1))[world.own.pk]
    assert january.annual_target == Decimal("6000.00")


def test_the_month_series_follows_the_target_in_force(world):
    first = accepted_target(world, investment="4000.00")
    reviewed_on(first, 2, 10)
    reviewed_on(revised(world, first, "8000.00"), 7, 15)
    now = datetime.datetime(2026, 1, 15, tzinfo=SHANGHAI)
    for point in programme_months(world.programme, DEC, now=now):
        (total,) = rollup(project_measures(world.programme, point.month, now=now), "programme")
        assert point.annual_target == total.annual_target, point.month
