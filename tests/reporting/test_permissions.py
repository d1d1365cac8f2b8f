"""Who may do what to a monthly report: the matrix, through the services."""

import pytest
from django.core.exceptions import PermissionDenied

from keyworks.reporting import services
from keyworks.reporting.models import MonthlyReport, ReportStatus
from keyworks.reporting.permissions import can_report

from .conftest import MAY, accepted, draft, reviewed, submitted

USERS = [
    "office",
    "leader",
    "inspector",
    "member",
    "other_member",
    "district",
    "department_user",
    "outsider",
]


def run(action, world, report, user):
    if action == "edit":
        return services.save_draft(report, {"progress_text": "x"}, by=user)
    if action == "submit":
        return services.submit(report, by=user)
    if action == "review":
        return services.review(report, by=user)
    if action == "accept":
        return services.accept(report, by=user)
    if action == "return":
        return services.return_report(report, by=user, comment="请补充")
    if action == "request_correction":
        return services.request_correction(report, by=user, reason="填错")
    raise AssertionError(action)


SETUP = {"edit": draft, "submit": draft, "review": submitted, "accept": reviewed,
         "return": submitted, "request_correction": accepted}  # fmt: skip
ALLOWED = {
    "edit": {"member"},
    "submit": {"member"},
    "review": {"district"},
    "accept": {"office"},
    "return": {"office"},
    "request_correction": {"member", "office"},
}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_permission_matrix(world, action, username):
    report = SETUP[action](world)
    user = getattr(world, username)
    status_before = report.status
    if username in ALLOWED[action]:
        run(action, world, report, user)
        assert can_report(user, action, report)
    else:
        assert not can_report(user, action, report)
        with pytest.raises(PermissionDenied):
            run(action, world, report, user)
        report.refresh_from_db()
        assert report.status == status_before


@pytest.mark.parametrize("username", USERS)
def test_who_sees_a_report(world, username):
    report = draft(world)
    visible = {"office", "leader", "inspector", "member", "district"}
    user = getattr(world, username)
    assert MonthlyReport.objects.restrict(user).filter(pk=report.pk).exists() is (
        username in visible
    )
    assert can_report(user, "view", report) is (username in visible)


@pytest.mark.parametrize("username", USERS)
def test_only_office_decides_corrections(world, username):
    report = accepted(world)
    correction = services.request_correction(report, by=world.member, reason="填错")
    user = getattr(world, username)
    if username == "office":
        services.decide_correction(correction, by=user, approve=True)
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            services.decide_correction(correction, by=user, approve=True)


def test_district_coordinator_cannot_act_on_another_districts_report(world):
    report = submitted(world, project=world.other)  # in 武陟县, no coordinator
    assert not MonthlyReport.objects.restrict(world.district).filter(pk=report.pk).exists()
    with pytest.raises(PermissionDenied):
        services.review(report, by=world.district)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_office_accepts_directly_where_the_project_has_no_district_coordinator(world):
    other = submitted(world, project=world.other)
    assert can_report(world.office, "accept", other)
    services.accept(other, by=world.office)
    own = submitted(world)  # 解放区 has a coordinator: review comes first
    assert not can_report(world.office, "accept", own)
    with pytest.raises(PermissionDenied):
        services.accept(own, by=world.office)


def test_other_task_force_cannot_start_a_report_for_our_project(world):
    with pytest.raises(PermissionDenied):
        services.start_report(world.own, MAY, by=world.other_member)
    assert not MonthlyReport.objects.exists()
