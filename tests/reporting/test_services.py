import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import ChangeRecord
from keyworks.core import calendar
from keyworks.reporting import services
from keyworks.reporting.models import CorrectionStatus, MonthlyReport, ReportStatus

from .conftest import MAY, accepted, draft, reviewed, submitted

APRIL = datetime.date(2025, 4, 1)
JUNE = datetime.date(2025, 6, 1)


def records(report, action=None):
    qs = ChangeRecord.objects.filter(
        object_type="reporting.monthlyreport", object_id=str(report.pk)
    ).order_by("id")
    if action:
        qs = qs.filter(action=action)
    return list(qs)


def test_full_flow_task_force_district_office_is_audited(world):
    report = accepted(world, completed_this_month=Decimal("120.50"))
    assert report.status == ReportStatus.ACCEPTED
    assert report.submitted_by == world.member
    assert report.reviewed_by == world.district
    assert report.decided_by == world.office
    actions = [r.action for r in records(report)]
    assert actions == ["create", "update", "submit", "review", "accept"]
    submit = records(report, "submit")[0]
    assert submit.after["status"] == "submitted"
    assert submit.after["ytd_total"] == "120.50"
    assert submit.project_id == world.own.pk
    assert submit.programme_id == world.programme.pk
    assert submit.actor == world.member


def test_totals_are_computed_from_earlier_reports_and_stored(world):
    # Year to date: the year's counted reports. 开工累计: the ledger's 2,500.00 before the
    # first report plus the accepted reports (reporting.since_start).
    accepted(world, month=datetime.date(2024, 12, 1), completed_this_month=Decimal("50"))
    submitted(world, month=APRIL, completed_this_month=Decimal("100"))  # not accepted yet
    draft(world, month=datetime.date(2025, 3, 1), completed_this_month=Decimal("999"))  # no
    may = submitted(world, month=MAY, completed_this_month=Decimal("30.25"))
    assert may.ytd_total == Decimal("130.25")
    assert may.since_start_total == Decimal("2500.00") + Decimal("50") + Decimal("30.25")


def test_report_for_a_future_month_is_refused(world):
    today = calendar.local_today()
    future = calendar.next_month(today)
    with pytest.raises(ValidationError) as exc:
        services.start_report(world.own, future, by=world.member)
    assert "month" in exc.value.message_dict
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("field", ["completed_this_month", "next_plan_investment"])
def test_negative_amounts_are_refused(world, field):
    report = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.save_draft(report, {field: Decimal("-1.00")}, by=world.member)
    assert field in exc.value.message_dict
    report.refresh_from_db()
    assert getattr(report, field) >= 0


def test_ytd_that_would_decrease_a_later_month_is_refused(world):
    submitted(world, month=JUNE, completed_this_month=Decimal("10"))  # ytd 10 in June
    may = draft(world, month=MAY, completed_this_month=Decimal("50"))
    with pytest.raises(ValidationError) as exc:
        services.submit(may, by=world.member)
    assert "completed_this_month" in exc.value.message_dict
    may.refresh_from_db()
    assert may.status == ReportStatus.DRAFT
    assert may.ytd_total is None


def test_submitting_twice_is_idempotent(world):
    report = draft(world)
    first = services.submit(report, by=world.member)
    second = services.submit(report, by=world.member)
    assert MonthlyReport.objects.count() == 1
    assert second.version == first.version
    assert second.submitted_at == first.submitted_at
    assert len(records(report, "submit")) == 1


def test_starting_a_report_twice_gives_one_report(world):
    a = services.start_report(world.own, MAY, by=world.member)
    b = services.start_report(world.own, MAY, by=world.member)
    assert a.pk == b.pk
    assert MonthlyReport.objects.count() == 1


def test_second_editor_of_same_draft_is_told_and_nothing_is_lost(world):
    report = draft(world)
    opened = report.version
    services.save_draft(
        report, {"progress_text": "第一人"}, by=world.member, expected_version=opened
    )
    with pytest.raises(services.ConcurrentEditError):
        services.save_draft(
            report, {"progress_text": "第二人"}, by=world.member, expected_version=opened
        )
    report.refresh_from_db()
    assert report.progress_text == "第一人"
    assert report.version == opened + 1


def test_accepted_report_cannot_be_edited_without_correction(world):
    report = accepted(world)
    with pytest.raises(PermissionDenied):
        services.save_draft(report, {"progress_text": "偷改"}, by=world.member)
    with pytest.raises(PermissionDenied):
        services.save_draft(report, {"progress_text": "偷改"}, by=world.office)
    report.refresh_from_db()
    assert report.progress_text == "主体施工"


def test_correction_approved_by_office_reopens_and_keeps_history(world):
    report = accepted(world)
    with pytest.raises(ValidationError):
        services.request_correction(report, by=world.member, reason="  ")
    correction = services.request_correction(report, by=world.member, reason="数字填错")
    with pytest.raises(ValidationError):
        services.request_correction(report, by=world.member, reason="再次")
    with pytest.raises(PermissionDenied):
        services.decide_correction(correction, by=world.member, approve=True)
    services.decide_correction(correction, by=world.office, approve=True)
    correction.refresh_from_db()
    report.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert correction.decided_by == world.office
    assert report.status == ReportStatus.DRAFT
    services.save_draft(report, {"completed_this_month": Decimal("90")}, by=world.member)
    report = services.submit(report, by=world.member)
    assert report.ytd_total == Decimal("90.00")
    actions = [r.action for r in records(report)]
    expected = ["accept", "request_correction", "approve_correction", "update", "submit"]
    assert actions[-5:] == expected
    approve = records(report, "approve_correction")[0]
    assert approve.reason == "数字填错"
    assert approve.before["status"] == "accepted"


def test_rejected_correction_keeps_report_locked(world):
    report = accepted(world)
    correction = services.request_correction(report, by=world.office, reason="核实")
    services.decide_correction(correction, by=world.office, approve=False, comment="无需更正")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert records(report, "reject_correction")[0].reason == "无需更正"


def test_return_needs_comments_and_reopens_for_the_task_force(world):
    report = reviewed(world)
    with pytest.raises(ValidationError):
        services.return_report(report, by=world.office, comment="")
    report = services.return_report(report, by=world.office, comment="补充形象进度")
    assert report.status == ReportStatus.RETURNED
    report = services.save_draft(report, {"progress_text": "已补充"}, by=world.member)
    report = services.submit(report, by=world.member)
    assert report.status == ReportStatus.SUBMITTED
    assert records(report, "return")[0].reason == "补充形象进度"


def test_due_date_is_due_day_of_following_month_shanghai(world):
    due = services.due_at(world.programme, MAY)
    assert due.isoformat() == "2025-06-03T23:59:59+08:00"
    world.programme.report_due_day = 31
    assert services.due_at(world.programme, MAY).date() == datetime.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("now_utc", "late"),
    [
        (datetime.datetime(2025, 6, 3, 15, 59, 59, tzinfo=datetime.UTC), False),
        (datetime.datetime(2025, 6, 3, 16, 0, 0, tzinfo=datetime.UTC), True),
    ],
)
def test_late_submission_is_recorded(world, monkeypatch, now_utc, late):
    report = draft(world)
    monkeypatch.setattr(services.timezone, "now", lambda: now_utc)
    report = services.submit(report, by=world.member)
    assert report.is_late is late
    assert records(report, "submit")[0].after.get("is_late", False) is late
