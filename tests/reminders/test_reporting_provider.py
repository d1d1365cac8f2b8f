"""Monthly-report reminders: who sees what, and the edges of "due soon" and "missing"."""

import datetime

import pytest
from django.utils import timezone

from keyworks.reporting import services as report_services
from keyworks.reporting.models import ProjectPause
from keyworks.reporting.reminders import DUE_SOON_DAYS, reminders_for

from .conftest import of_kind

MAY = datetime.date(2025, 5, 1)
APRIL = datetime.date(2025, 4, 1)
# The world's programme: reports are due on the 3rd of the following month.
MAY_DUE = datetime.date(2025, 6, 3)


def due(world, user, today):
    return of_kind(reminders_for(user, today), "report_due")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (MAY_DUE - datetime.timedelta(days=DUE_SOON_DAYS + 1), []),  # 28 May: too early
        (MAY_DUE - datetime.timedelta(days=DUE_SOON_DAYS), [False]),  # 29 May: due soon
        (MAY_DUE, [False]),  # the due day itself is still on time
        (MAY_DUE + datetime.timedelta(days=1), [True]),  # 4 June: missing
    ],
)
def test_may_report_due_soon_and_missing_boundaries(world, today, expected):
    items = [r for r in due(world, world.member, today) if "2025年5月" in r.title]
    assert [r.overdue for r in items] == expected
    for r in items:
        assert r.due == MAY_DUE
        assert world.own.name in r.title
        assert r.url == f"/reporting/?programme={world.programme.code}&month=2025-05"


def test_last_months_report_is_missing_at_month_end(world):
    # 28 May: April's report (due 3 May) is missing; May's is not yet near.
    items = due(world, world.member, datetime.date(2025, 5, 28))
    assert [(r.title.count("2025年4月"), r.overdue) for r in items] == [(1, True)]


def test_only_months_of_the_programme_year_are_owed(world):
    # 2 January 2026: December 2025's report is near its due day (3 January)…
    items = due(world, world.member, datetime.date(2026, 1, 2))
    assert [r.title.count("2025年12月") for r in items] == [1]
    # …and a month later the 2025 programme owes nothing for January 2026.
    assert due(world, world.member, datetime.date(2026, 2, 10)) == []
    assert due(world, world.member, datetime.date(2026, 11, 29)) == []
    # Before the year, nothing either.
    assert due(world, world.member, datetime.date(2025, 1, 2)) == []


def test_submitted_report_is_no_longer_due(world, make):
    make.submitted(world, month=MAY)
    assert due(world, world.member, MAY_DUE) == []


def test_draft_report_links_to_its_form(world, make):
    report = make.draft(world, month=MAY)
    [item] = due(world, world.member, MAY_DUE)
    assert item.url == f"/reporting/{report.pk}/edit/"


def test_only_the_projects_own_task_force_is_reminded(world):
    mine = due(world, world.member, MAY_DUE)
    theirs = due(world, world.other_member, MAY_DUE)
    assert [world.own.name in r.title for r in mine] == [True]
    assert [world.other.name in r.title for r in theirs] == [True]
    for user in (world.office, world.leader, world.inspector, world.district, world.outsider):
        assert due(world, user, MAY_DUE) == []


def test_paused_and_archived_projects_owe_no_report(world):
    ProjectPause.objects.create(
        project=world.own, reason="资金未到位", started_at=timezone.now(), by=world.office
    )
    world.other.archived_at = timezone.now()
    world.other.save()
    assert due(world, world.member, MAY_DUE) == []
    assert due(world, world.other_member, MAY_DUE) == []


def test_programme_due_day_moves_the_window(world):
    world.programme.report_due_day = 20
    world.programme.save()
    june_20 = datetime.date(2025, 6, 20)
    assert due(world, world.member, datetime.date(2025, 6, 14)) == []
    [item] = due(world, world.member, datetime.date(2025, 6, 15))
    assert item.due == june_20 and not item.overdue


def test_returned_report_reminds_its_task_force_only(world, make):
    report = make.returned(world, month=APRIL)
    [item] = of_kind(reminders_for(world.member, MAY_DUE), "report_returned")
    assert item.url == f"/reporting/{report.pk}/edit/"
    assert "数据有误" in item.detail
    for user in (world.other_member, world.office, world.district):
        assert of_kind(reminders_for(user, MAY_DUE), "report_returned") == []


def test_district_coordinator_reviews_submitted_reports_of_its_district(world, make):
    own = make.submitted(world, month=MAY)
    make.submitted(world, world.other, month=MAY)  # district B: no coordinator
    [item] = of_kind(reminders_for(world.district, MAY_DUE), "report_review")
    assert item.url == f"/reporting/{own.pk}/"
    # The office waits for the review of `own`, but accepts `other` directly.
    [accept] = of_kind(reminders_for(world.office, MAY_DUE), "report_accept")
    assert world.other.name in accept.title
    for user in (world.member, world.leader, world.inspector, world.department_user):
        assert of_kind(reminders_for(user, MAY_DUE), "report_review") == []
        assert of_kind(reminders_for(user, MAY_DUE), "report_accept") == []


def test_office_sees_reviewed_reports_one_line_per_month(world, make):
    report_services.review(make.submitted(world, month=MAY), by=world.district)
    make.submitted(world, world.other, month=MAY)
    [item] = of_kind(reminders_for(world.office, MAY_DUE), "report_accept")
    assert "2 份月报待采纳" in item.title
    assert item.url == f"/reporting/?programme={world.programme.code}&month=2025-05"
    assert of_kind(reminders_for(world.district, MAY_DUE), "report_review") == []


def test_pending_correction_reminds_the_office(world, make):
    report = make.submitted(world, world.other, month=APRIL)
    report = report_services.accept(report, by=world.office)
    report_services.request_correction(report, by=world.other_member, reason="填错金额")
    [item] = of_kind(reminders_for(world.office, MAY_DUE), "correction_pending")
    assert item.url == f"/reporting/{report.pk}/"
    assert "填错金额" in item.detail
    assert of_kind(reminders_for(world.other_member, MAY_DUE), "correction_pending") == []
