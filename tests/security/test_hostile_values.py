"""Values at the calendar's edge and nonsense values: each is refused with a 4xx that
names its field, never a 500, and nothing nonsensical is stored.

Dates a user types (as-of days, months) lie in the working range (core.calendar); planned
dates within ten years of the programme's year; actual dates not in the future; project
locations inside China; free text sent through the API within its length cap."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from keyworks.core.calendar import local_today
from keyworks.factors.models import FactorItem
from keyworks.ledger import services as ledger
from keyworks.ledger.models import Milestone
from tests.api.conftest import Api

FAR_DAYS = ["9999-12-31", "0001-01-01", "1900-01-01"]
FAR_MONTHS = ["9999-12", "0001-01", "1900-01"]


def names(response, field: str) -> bool:
    return field in response.content.decode()


# --- A: as-of days -----------------------------------------------------------------


@pytest.mark.parametrize("day", FAR_DAYS)
@pytest.mark.parametrize(
    "page",
    [
        "coordination:problem_list",
        "tasks:task_list",
        "meetings:decision_list",
        "factors:factor_list",
        "coordination:problem_export",
        "tasks:task_export",
        "meetings:decision_export",
        "factors:factor_export",
    ],
)
def test_a_far_as_of_day_on_a_list_page_or_export_is_400(world, page, day):
    response = world.client(world.office).get(reverse(page), {"as_of": day})
    assert response.status_code == 400
    assert "2000—2099" in response.content.decode()
    if page.endswith("_export"):
        assert names(response, "as_of")


@pytest.mark.parametrize("day", FAR_DAYS)
@pytest.mark.parametrize(
    "url",
    [
        "/api/problems",
        "/api/tasks",
        "/api/meetings/decisions",
        "/api/meetings/decisions/export.xlsx",
        "/api/factors",
    ],
)
def test_a_far_as_of_day_through_the_api_is_422_naming_it(world, url, day):
    response = Api(world.office).get(url, {"as_of": day})
    assert response.status_code == 422
    assert "as_of" in response.json()["errors"]


def test_an_as_of_day_in_range_still_lists(world):
    response = world.client(world.office).get(reverse("tasks:task_list"), {"as_of": "2025-06-30"})
    assert response.status_code == 200
    response = Api(world.office).get("/api/problems", {"as_of": "2099-12-31"})
    assert response.status_code == 200


# --- A: months ---------------------------------------------------------------------


@pytest.mark.parametrize("month", FAR_MONTHS)
@pytest.mark.parametrize(
    "page",
    [
        "reporting:measures",
        "reporting:summary",
        "reporting:summary_export",
        "reporting:report_list",
        "dashboards:command",
        "dashboards:command_data",
    ],
)
def test_a_far_month_on_a_page_is_400_naming_it(world, page, month):
    response = world.client(world.office).get(reverse(page), {"month": month})
    assert response.status_code == 400
    assert names(response, "month") and "2000—2099" in response.content.decode()


@pytest.mark.parametrize("month", FAR_MONTHS + ["2025-13", " "])
@pytest.mark.parametrize("url", ["/api/measures", "/api/lights", "/api/reports"])
def test_a_far_month_through_the_api_is_422_naming_it(world, url, month):
    response = Api(world.office).get(url, {"month": month})
    if not month.strip():  # no month: the default one
        assert response.status_code == 200
        return
    assert response.status_code == 422
    assert "month" in response.json()["errors"]


@pytest.mark.parametrize("month", ["", "  ", "1900-01", "0001-01", "9999-12", "2025-13"])
def test_starting_a_report_without_a_sane_month_is_422(world, month):
    response = Api(world.member).post("/api/reports", {"project": world.own.pk, "month": month})
    assert response.status_code == 422
    assert "month" in response.json()["errors"]


# --- B: project dates and location -------------------------------------------------


def patch_project(world, **fields):
    fields.setdefault("version", world.own.version)
    return Api(world.office).patch(f"/api/projects/{world.own.pk}", fields)


LATER = (local_today() + datetime.timedelta(days=30)).isoformat()
LATE_FUTURE = local_today() + datetime.timedelta(days=30)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"planned_start": "0001-01-01"}, "planned_start"),
        ({"planned_finish": "9999-12-31"}, "planned_finish"),
        ({"planned_start": "2010-01-01"}, "planned_start"),  # 15 years before 2025
        ({"actual_start": "2099-01-01"}, "actual_start"),
        ({"actual_start": "2020-01-01", "actual_finish": LATER}, "actual_finish"),
        ({"actual_finish": "2025-06-30"}, "actual_start"),  # a finish without a start
        ({"longitude": "999", "latitude": "35"}, "longitude"),
        ({"longitude": "113.2", "latitude": "-35"}, "latitude"),
        ({"longitude": "-113.2", "latitude": "35.2"}, "longitude"),
        ({"longitude": "NaN"}, "longitude"),
    ],
)
def test_nonsense_project_dates_and_places_are_422_naming_the_field(world, change, field):
    response = patch_project(world, **change)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    world.own.refresh_from_db()
    assert world.own.version == 1


def test_credible_dates_and_a_place_in_jiaozuo_are_saved(world):
    response = patch_project(
        world,
        planned_start="2024-03-01",
        planned_finish="2030-12-31",
        actual_start="2024-04-01",
        longitude="113.241823",
        latitude="35.215893",
    )
    assert response.status_code == 200, response.content
    world.own.refresh_from_db()
    assert world.own.actual_start == datetime.date(2024, 4, 1)


def test_the_rules_hold_for_every_writer_not_only_the_api(world):
    with pytest.raises(ValidationError) as exc:
        ledger.update_project(world.own, {"actual_start": LATE_FUTURE}, by=world.office)
    assert "actual_start" in exc.value.message_dict


@pytest.mark.parametrize(
    "lng, lat, field",
    [("NaN", "35", "lng"), ("Infinity", "35", "lng"), ("113", "sNaN", "lat"), ("", "35", "lng")],
)
def test_the_map_refuses_a_coordinate_that_is_not_a_number(world, lng, lat, field):
    url = reverse("dashboards:map_locate", args=[world.own.pk])
    response = world.client(world.member).post(url, {"lng": lng, "lat": lat})
    assert response.status_code == 400
    assert response.json()["field"] == field
    world.own.refresh_from_db()
    assert world.own.longitude is None


@pytest.mark.parametrize("lng, lat", [("999", "35"), ("113", "91"), ("2.35", "48.85")])
def test_the_map_refuses_a_place_outside_china(world, lng, lat):
    url = reverse("dashboards:map_locate", args=[world.own.pk])
    response = world.client(world.member).post(url, {"lng": lng, "lat": lat})
    assert response.status_code == 400
    assert "中国境内" in response.json()["error"]
    world.own.refresh_from_db()
    assert world.own.longitude is None


# --- B: milestones and factor deadlines ----------------------------------------------


@pytest.mark.parametrize(
    "data, field",
    [
        ({"planned_date": datetime.date(1, 1, 1)}, "planned_date"),
        ({"planned_date": datetime.date(9999, 12, 31)}, "planned_date"),
        ({"planned_date": datetime.date(2025, 6, 1), "actual_date": LATE_FUTURE}, "actual_date"),
    ],
)
def test_nonsense_milestone_dates_are_refused(world, data, field):
    with pytest.raises(ValidationError) as exc:
        ledger.save_milestone(world.own, {"name": "主体封顶", **data}, by=world.office)
    assert field in exc.value.message_dict


def test_the_milestone_form_shows_the_refusal_instead_of_failing(world):
    url = reverse("ledger:milestone_add", args=[world.own.pk])
    response = world.client(world.office).post(
        url, {"name": "主体封顶", "planned_date": "0001-01-01"}, follow=True
    )
    assert response.status_code == 200
    assert "计划年度前后 10 年" in response.content.decode()
    assert not Milestone.objects.filter(project=world.own).exists()


@pytest.mark.parametrize("deadline", ["0001-01-01", "9999-12-31", "1990-06-30"])
def test_a_factor_deadline_far_from_the_programme_year_is_422(world, deadline):
    body = {
        "project": world.own.pk,
        "kind": "labour",
        "demand": "300",
        "deadline": deadline,
        "responsible_unit": world.department.pk,
    }
    response = Api(world.office).post("/api/factors", body)
    assert response.status_code == 422
    assert "deadline" in response.json()["errors"]
    assert not FactorItem.objects.exists()


# --- B: unbounded text through the API -----------------------------------------------

HUGE = "长" * 5001


@pytest.mark.parametrize(
    "method, url, body, field",
    [
        ("post", "/api/problems", {"category": "power", "description": HUGE}, "description"),
        ("post", "/api/problems", {"category": "power", "description": "x", "need": HUGE}, "need"),
        ("patch", "/api/projects/{own}", {"content": HUGE, "version": 1}, "content"),
        ("post", "/api/reports", {"month": "2025-06", "progress_text": HUGE}, "progress_text"),
        ("post", "/api/meetings", {"date": "2025-06-01", "attendees": HUGE}, "attendees"),
        ("post", "/api/meetings", {"date": "2025-06-01", "title": "会" * 101}, "title"),
    ],
)
def test_unbounded_text_through_the_api_is_422_with_the_cap(world, method, url, body, field):
    if url == "/api/problems":
        body = {**body, "project": world.own.pk, "deadline": LATER}
    user = world.office
    if url == "/api/reports":
        body, user = {**body, "project": world.own.pk}, world.member
    response = Api(user).send(method, url.format(own=world.own.pk), body)
    assert response.status_code == 422, response.content
    assert any("最多" in message for message in response.json()["errors"][field])
