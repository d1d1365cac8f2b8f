"""Values at the calendar's edge and nonsense values: each is refused with a 4xx that
names its field, never a 500, and nothing nonsensical is stored.

Dates a user types (as-of days, months) lie in the working range (core.calendar); planned
dates within ten years of the programme's year; actual dates not in the future; project
locations inside China; free text sent through the API within its length cap."""

import pytest
from django.urls import reverse

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
