"""A review, acceptance or return is taken on the version of the report its user saw:
when somebody else changed the report since, it is refused (409 in the API, a message on
the page) and nothing changes — no status, no version, no change record, no ledger carry."""

import re
from decimal import Decimal

import pytest

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role, RoleAssignment
from keyworks.reporting import services
from keyworks.reporting.models import MonthlyReport, ReportStatus

from ..api.conftest import Api
from ..conftest import make_user
from .conftest import reviewed, submitted

STALE = "该月报在您打开后已被他人修改"

# decision: (who takes it, the status it is taken from, its API body / form)
DECISIONS = {
    "review": ("district", ReportStatus.SUBMITTED, {"comment": "属实"}),
    "accept": ("office", ReportStatus.REVIEWED, {"comment": "同意"}),
    "return": ("office", ReportStatus.SUBMITTED, {"comment": "请补充"}),
}
CALLS = {"review": services.review, "accept": services.accept, "return": services.return_report}


def second_office(world):
    user = make_user("office2", "刘办公")
    RoleAssignment.objects.create(user=user, programme=world.programme, role=Role.OFFICE)
    return user


def redone(world, report, status):
    """Another office user returns the report; the task force changes its amount and
    submits it again (and the district reviews it again): the same status, other content."""
    services.return_report(report, by=second_office(world), comment="金额有误")
    report = services.save_draft(
        report, {"completed_this_month": Decimal("300.00")}, by=world.member
    )
    report = services.submit(report, by=world.member)
    if status == ReportStatus.REVIEWED:
        report = services.review(report, by=world.district)
    return MonthlyReport.objects.get(pk=report.pk)


def opened(world, status):
    report = reviewed(world) if status == ReportStatus.REVIEWED else submitted(world)
    return MonthlyReport.objects.get(pk=report.pk)


def state(report):
    report = MonthlyReport.objects.get(pk=report.pk)
    return (
        report.status,
        report.version,
        report.completed_this_month,
        ChangeRecord.objects.count(),
        Project.objects.get(pk=report.project_id).completed_investment,
    )


@pytest.mark.parametrize("decision", list(DECISIONS))
def test_a_decision_on_a_report_changed_since_is_refused(world, decision):
    who, status, body = DECISIONS[decision]
    seen = opened(world, status)
    report = redone(world, seen, status)
    before = state(report)
    with pytest.raises(services.StaleDecisionError):
        CALLS[decision](report, by=getattr(world, who), expected_version=seen.version, **body)
    assert state(report) == before
    done = CALLS[decision](report, by=getattr(world, who), expected_version=report.version, **body)
    assert done.version == report.version + 1


@pytest.mark.parametrize("decision", list(DECISIONS))
def test_the_page_sends_the_version_it_showed_and_says_someone_else_changed_it(world, decision):
    who, status, form = DECISIONS[decision]
    seen = opened(world, status)
    client = world.client(getattr(world, who))
    page = client.get(f"/reporting/{seen.pk}/").content.decode()
    shown = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert int(shown) == seen.version
    report = redone(world, seen, status)
    before = state(report)
    response = client.post(
        f"/reporting/{report.pk}/{decision}/", {**form, "version": shown}, follow=True
    )
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert state(report) == before
    client.post(f"/reporting/{report.pk}/{decision}/", {**form, "version": report.version})
    assert state(report) != before


@pytest.mark.parametrize("decision", list(DECISIONS))
def test_the_api_answers_409(world, decision):
    who, status, body = DECISIONS[decision]
    seen = opened(world, status)
    report = redone(world, seen, status)
    before = state(report)
    api = Api(getattr(world, who))
    url = f"/api/reports/{report.pk}/{decision}"
    response = api.post(url, {**body, "version": seen.version})
    assert response.status_code == 409, response.content
    assert STALE in response.json()["detail"]
    assert state(report)[:3] == before[:3]  # (the token made a change record of its own)
    again = api.post(url, {**body, "version": report.version})
    assert again.status_code == 200, again.content


def test_a_decision_made_impossible_by_another_users_decision_gets_the_conflict(world):
    """Two office users open the same reviewed report; one accepts it, the other's return
    is refused as a conflict (not a bare 403) and the acceptance stands."""
    report = opened(world, ReportStatus.REVIEWED)
    seen = report.version
    services.accept(report, by=second_office(world), expected_version=seen)
    before = state(report)
    response = world.client(world.office).post(
        f"/reporting/{report.pk}/return/", {"comment": "请补充", "version": seen}, follow=True
    )
    assert STALE in response.content.decode()
    assert state(report) == before
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    api = Api(world.office)
    body = {"comment": "请补充", "version": seen}
    assert api.post(f"/api/reports/{report.pk}/return", body).status_code == 409


def test_without_the_right_a_current_version_is_still_forbidden(world):
    report = opened(world, ReportStatus.SUBMITTED)
    response = world.client(world.member).post(
        f"/reporting/{report.pk}/accept/", {"version": report.version}
    )
    assert response.status_code == 403
