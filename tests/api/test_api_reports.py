import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.audit.models import ChangeRecord
from keyworks.core import calendar
from keyworks.ledger.models import Project
from keyworks.reporting.models import MonthlyReport, ReportStatus
from tests.conftest import build_world, race_first_save

from .conftest import Api
from .test_api_projects_read import make_projects


def month_text():
    return f"{calendar.previous_month():%Y-%m}"


def start(client, project, **fields):
    return client.post("/api/reports", {"project": project.pk, "month": month_text(), **fields})


def make_report(world, project, status=ReportStatus.DRAFT, **fields):
    return MonthlyReport.objects.create(
        project=project, month=calendar.previous_month(), status=status, **fields
    )


def test_the_task_force_starts_saves_and_submits_its_report(world, api):
    client = api(world.member)
    response = start(client, world.own, completed_this_month="120.5", progress_text="主体封顶")
    assert response.status_code == 201, response.content
    body = response.json()
    report = MonthlyReport.objects.get(pk=body["id"])
    assert report.completed_this_month == Decimal("120.50")
    assert body["completed_this_month"] == "120.50"
    assert body["status"] == "draft" and body["can"]["submit"] is True
    again = start(client, world.own)
    assert again.status_code == 200 and again.json()["id"] == report.pk

    patched = client.patch(
        f"/api/reports/{report.pk}",
        {"version": body["version"], "next_plan_investment": 80},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["next_plan_investment"] == "80.00"

    submitted = client.post(f"/api/reports/{report.pk}/submit", {})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["ytd_total"] == "120.50"
    assert ChangeRecord.objects.filter(object_id=str(report.pk), action="submit").count() == 1


def test_submitting_twice_changes_nothing(world, api):
    report = make_report(world, world.own, completed_this_month=Decimal("10"))
    client = api(world.member)
    first = client.post(f"/api/reports/{report.pk}/submit", {})
    second = client.post(f"/api/reports/{report.pk}/submit", {})
    assert first.status_code == second.status_code == 200
    assert first.json()["version"] == second.json()["version"]
    assert first.json()["submitted_at"] == second.json()["submitted_at"]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert ChangeRecord.objects.filter(action="submit").count() == 1


def test_a_stale_version_is_409_and_nothing_is_saved(world, api):
    report = make_report(world, world.own)
    client = api(world.member)
    response = client.patch(
        f"/api/reports/{report.pk}", {"version": report.version + 1, "progress_text": "x"}
    )
    assert response.status_code == 409
    assert "修改" in response.json()["detail"] and "changed" not in response.json()["detail"]
    report.refresh_from_db()
    assert report.progress_text == "" and report.version == 1
    stale = client.post(f"/api/reports/{report.pk}/submit", {"version": 7})
    assert stale.status_code == 409
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    "who,status",
    [("other_member", 404), ("leader", 403), ("district", 403), ("office", 403), ("outsider", 404)],
)
def test_only_the_own_task_force_submits(world, api, who, status):
    report = make_report(world, world.own)
    response = api(getattr(world, who)).post(f"/api/reports/{report.pk}/submit", {})
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_task_force_cannot_start_another_projects_report(world, api):
    response = start(api(world.member), world.other)
    assert response.status_code == 404  # it sees the project, not its reports
    assert not MonthlyReport.objects.exists()
    assert start(api(world.outsider), world.own).status_code == 404
    assert start(api(world.leader), world.own).status_code == 403
    assert "权限" in start(api(world.leader), world.own).json()["detail"]


def test_starting_a_hidden_report_answers_like_reading_it(world, api):
    """No existence oracle: 404 whether the report exists or not, as GET answers."""
    client = api(world.other_member)
    missing = start(client, world.own)
    report = make_report(world, world.own)
    assert client.get(f"/api/reports/{report.pk}").status_code == 404
    existing = start(client, world.own, progress_text="x")
    assert missing.status_code == existing.status_code == 404
    assert missing.json() == existing.json()
    report.refresh_from_db()
    assert report.progress_text == ""


def test_starting_again_returns_the_report_and_never_overwrites_it_unseen(world, api):
    first, second = api(world.member), api(world.member)
    created = start(first, world.own, progress_text="第一稿")
    assert created.status_code == 201
    report_id, version = created.json()["id"], created.json()["version"]
    again = start(second, world.own)
    assert again.status_code == 200 and again.json()["id"] == report_id
    assert again.json()["progress_text"] == "第一稿"
    blind = start(second, world.own, progress_text="第二稿")
    assert blind.status_code == 409 and "version" in blind.json()["detail"]
    stale = start(second, world.own, progress_text="第二稿", version=version - 1)
    assert stale.status_code == 409
    assert MonthlyReport.objects.get().progress_text == "第一稿"
    saved = start(second, world.own, progress_text="第二稿", version=version)
    assert saved.status_code == 200 and saved.json()["progress_text"] == "第二稿"
    assert saved.json()["version"] == version + 1
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize(("text", "status"), [("我的", 409), (None, 200)])
def test_two_starts_at_once_one_creates_and_the_other_is_told(
    world, api, monkeypatch, text, status
):
    """Another request creates the report between this one's look and its insert: this one
    did not create it (never 201) and its text is not saved over the other's (409)."""
    race_first_save(monkeypatch, MonthlyReport, project=world.own, month=calendar.previous_month())
    fields = {"progress_text": text} if text else {}
    response = start(api(world.member), world.own, **fields)
    assert response.status_code == status, response.content


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads share SQLite's in-memory database, which locks whole tables",
)
@pytest.mark.django_db(transaction=True)
def test_many_starts_with_content_at_once():
    """Of many callers starting one draft with their text at once, one creates it (201)
    and its text is kept; every other is told (409), none gets a 500 or a false 201."""
    world = build_world()
    clients = [Api(world.member) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    answers: dict[int, int] = {}

    def call(n: int) -> None:
        try:
            barrier.wait()
            answers[n] = start(clients[n], world.own, progress_text=f"第{n}稿").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answers.values())
    assert statuses == [201] + [409] * (len(clients) - 1), statuses
    winner = next(n for n, status in answers.items() if status == 201)
    assert MonthlyReport.objects.get().progress_text == f"第{winner}稿"


def test_the_other_task_force_does_not_see_the_report(world, api):
    report = make_report(world, world.own)
    assert api(world.other_member).get(f"/api/reports/{report.pk}").status_code == 404
    assert api(world.outsider).get(f"/api/reports/{report.pk}").status_code == 404
    assert api(world.leader).get(f"/api/reports/{report.pk}").status_code == 200


def test_district_reviews_its_district_and_the_office_accepts(world, api):
    report = make_report(world, world.own, status=ReportStatus.SUBMITTED)
    # the office cannot accept before the district coordinator has reviewed
    assert api(world.office).post(f"/api/reports/{report.pk}/accept", {}).status_code == 403
    assert api(world.leader).post(f"/api/reports/{report.pk}/review", {}).status_code == 403
    reviewed = api(world.district).post(f"/api/reports/{report.pk}/review", {"comment": "属实"})
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["status"] == "reviewed"
    assert reviewed.json()["review_comment"] == "属实"
    assert api(world.leader).post(f"/api/reports/{report.pk}/accept", {}).status_code == 403
    accepted = api(world.office).post(f"/api/reports/{report.pk}/accept", {})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_district_cannot_review_another_district(world, api):
    report = make_report(world, world.other, status=ReportStatus.SUBMITTED)
    response = api(world.district).post(f"/api/reports/{report.pk}/review", {})
    assert response.status_code == 404  # not in its district: it does not see the report
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_office_returns_with_a_comment(world, api):
    report = make_report(world, world.other, status=ReportStatus.SUBMITTED)
    missing = api(world.office).post(f"/api/reports/{report.pk}/return", {"comment": " "})
    assert missing.status_code == 422
    assert "comment" in missing.json()["errors"]
    absent = api(world.office).post(f"/api/reports/{report.pk}/return", {})
    assert absent.status_code == 422 and "comment" in absent.json()["errors"]
    returned = api(world.office).post(f"/api/reports/{report.pk}/return", {"comment": "数据有误"})
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["decision_comment"] == "数据有误"


def test_invalid_input_names_the_field(world, api):
    client = api(world.member)
    bad_month = client.post("/api/reports", {"project": world.own.pk, "month": "2025-13"})
    assert bad_month.status_code == 422 and "month" in bad_month.json()["errors"]
    negative = start(client, world.own, completed_this_month="-1")
    assert negative.status_code == 422
    assert "completed_this_month" in negative.json()["errors"]
    unknown = start(client, world.own, status="accepted")
    assert unknown.status_code == 422 and "status" in unknown.json()["errors"]
    for version in (False, True, "1", 1.0):
        refused = start(client, world.own, progress_text="x", version=version)
        assert refused.status_code == 422 and "version" in refused.json()["errors"]
    report = make_report(world, world.own)
    not_a_version = client.patch(f"/api/reports/{report.pk}", {"version": False})
    assert not_a_version.status_code == 422 and "version" in not_a_version.json()["errors"]


def test_the_list_filters_and_paginates(world, api):
    own = make_report(world, world.own, status=ReportStatus.SUBMITTED)
    other = make_report(world, world.other)
    office = api(world.office)
    body = office.get("/api/reports", {"month": month_text()}).json()
    assert body["count"] == 2
    assert [i["id"] for i in body["items"]] == [own.pk, other.pk]
    submitted = office.get("/api/reports", {"status": "submitted"}).json()
    assert [i["id"] for i in submitted["items"]] == [own.pk]
    by_project = office.get("/api/reports", {"project": world.other.pk}).json()
    assert [i["id"] for i in by_project["items"]] == [other.pk]
    page = office.get("/api/reports", {"page_size": 1, "page": 2}).json()
    assert page["count"] == 2 and [i["id"] for i in page["items"]] == [other.pk]
    mine = api(world.member).get("/api/reports").json()
    assert [i["id"] for i in mine["items"]] == [own.pk]
    assert api(world.outsider).get("/api/reports").json() == {"count": 0, "items": []}
    bad = office.get("/api/reports", {"status": "nope"})
    assert bad.status_code == 422 and "status" in bad.json()["errors"]


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_the_list_query_count_does_not_grow(world, api):
    client = api(world.office)
    client.get("/api/me")
    make_report(world, world.own)
    few, body = count_queries(client, "/api/reports")
    assert body["count"] == 1
    make_projects(world, 5)
    for project in Project.objects.exclude(pk__in=[world.own.pk, world.other.pk]):
        make_report(world, project)
    many, body = count_queries(client, "/api/reports")
    assert body["count"] == 6
    assert few == many


def test_measures_and_lights(world, api):
    make_report(world, world.own, status=ReportStatus.ACCEPTED, completed_this_month=Decimal("100"))
    client = api(world.leader)
    measures = client.get("/api/measures", {"month": month_text()})
    assert measures.status_code == 200, measures.content
    body = measures.json()
    assert body["month"] == month_text()
    total = body["programme_total"]
    assert total["projects"] == 2
    assert total["ytd_completed"] == "100.00"
    assert {r["label"] for r in body["by_category"]} >= {world.own.category.name}
    assert {r["label"] for r in body["by_district"]} == {"解放区", "武陟县"}

    lights = client.get("/api/lights", {"month": month_text()}).json()
    assert lights["counts"]["green"] + lights["counts"]["yellow"] + lights["counts"]["red"] == 2
    item = next(i for i in lights["items"] if i["project"]["id"] == world.own.pk)
    assert item["color"] in {"green", "yellow", "red"} and item["reasons"]
    assert api(world.outsider).get("/api/lights").status_code == 404
    assert api(world.outsider).get("/api/measures").status_code == 404
    bad = client.get("/api/measures", {"month": "May"})
    assert bad.status_code == 422 and "month" in bad.json()["errors"]
