"""Problem measures, worked out by hand; the 问题统计 page, its API and the htmx list."""

import datetime

import pytest
from django.utils import timezone

from keyworks.coordination import measures, services
from keyworks.coordination.models import Problem
from keyworks.core.calendar import SHANGHAI, local_today

from .conftest import backdate, other_department_user, raised, resolved

STATS = "/coordination/stats/"


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def shanghai(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def measured(world):
    """Department: one open (10 days), one closed late (20 → 5 days ago, deadline 8 days
    ago), one closed on time after being returned once (6 → 2 days ago), one voided.
    Another unit: one resolved and returned, still open (3 days)."""
    today = local_today()
    open_one = raised(world)
    backdate(open_one, days_ago(10))
    late = resolved(world, deadline=today - datetime.timedelta(days=8), deadline_reason="补录")
    services.close(late, by=world.office)
    backdate(late, days_ago(20))
    Problem.objects.filter(pk=late.pk).update(closed_at=days_ago(5))
    returned = resolved(world)
    services.return_problem(returned, by=world.office, note="未见批复文件")
    services.resolve(returned, by=world.department_user, note="已补交批复文件")
    services.close(returned, by=world.office)
    backdate(returned, days_ago(6))
    Problem.objects.filter(pk=returned.pk).update(closed_at=days_ago(2))
    voided = raised(world)
    services.void(voided, by=world.office, reason="重复提出")
    fgw_user = other_department_user(world)
    other = raised(world, lead_unit=fgw_user.unit)
    services.resolve(other, by=fgw_user, note="已协调")
    services.return_problem(other, by=world.office, note="未解决")
    backdate(other, days_ago(3))
    return world, fgw_user.unit


def test_unit_measures_by_hand(measured):
    world, fgw = measured
    rows = {r["unit_id"]: r for r in measures.unit_measures(Problem.objects.all())}
    dept = rows[world.department.pk]
    assert dept["open"] == 1
    assert dept["closed"] == 2
    assert dept["avg_days"] == round((10 + 15 + 4) / 3, 1)  # 9.7
    assert dept["on_time"] == 1 and dept["on_time_rate"] == 50.0
    assert dept["resolved"] == 2 and dept["returned"] == 1 and dept["reopened_rate"] == 50.0
    other = rows[fgw.pk]
    assert (other["open"], other["avg_days"], other["on_time_rate"]) == (1, 3.0, None)
    assert other["reopened_rate"] == 100.0
    assert len(rows) == 2  # the voided problem counts nowhere


def test_unit_without_lead(world):
    raised(world, lead=False)
    (row,) = measures.unit_measures(Problem.objects.all())
    assert row["unit"] == "未交办" and row["unit_id"] is None and row["reopened_rate"] is None


def test_weekly_by_iso_week(world):
    today = datetime.date(2025, 3, 12)  # Wednesday of 2025-W11
    stamps = [
        ("2025-02-23T23:30", None),  # Sunday of W08: before the three weeks
        ("2025-02-24T00:10", "2025-03-09T23:59"),  # W09, closed late on Sunday of W10
        ("2025-03-10T08:00", None),  # W11
        ("2025-03-12T20:00", "2025-03-12T21:00"),  # W11, closed the same day
    ]
    for raised_at, closed_at in stamps:
        problem = raised(world)
        if closed_at:
            services.close(problem, by=world.office, note="已解决")
            Problem.objects.filter(pk=problem.pk).update(closed_at=shanghai(closed_at))
        Problem.objects.filter(pk=problem.pk).update(raised_at=shanghai(raised_at))
    voided = raised(world)
    services.void(voided, by=world.office, reason="重复")
    Problem.objects.filter(pk=voided.pk).update(raised_at=shanghai("2025-03-11T09:00"))
    weeks = measures.weekly(Problem.objects.all(), weeks=3, today=today)
    assert weeks == [
        {"week": "2025-W09", "start": datetime.date(2025, 2, 24), "raised": 1, "closed": 0},
        {"week": "2025-W10", "start": datetime.date(2025, 3, 3), "raised": 0, "closed": 1},
        {"week": "2025-W11", "start": datetime.date(2025, 3, 10), "raised": 2, "closed": 1},
    ]


def test_iso_week_across_the_year():
    assert measures.iso_week(datetime.date(2024, 12, 30)) == "2025-W01"
    assert measures.iso_week(datetime.date(2027, 1, 1)) == "2026-W53"


@pytest.mark.parametrize(
    "who", ["office", "leader", "inspector", "member", "district", "department_user"]
)
def test_stats_page_for_everyone_in_the_programme(measured, who):
    world, _fgw = measured
    response = world.client(getattr(world, who)).get(STATS)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="unit-measures"' in body and 'id="problem-weeks-data"' in body
    assert "coordination/stats.js" in body and "echarts.min.js" in body


def test_stats_page_numbers_and_outsider(measured):
    world, _fgw = measured
    body = world.client(world.office).get(STATS + "?weeks=8").content.decode()
    assert body.count('data-week="') == 8
    assert "50.0%" in body and "9.7" in body
    assert world.client(world.outsider).get(STATS).status_code == 404
    assert world.client(None).get(STATS).status_code == 302


def test_stats_follow_what_the_user_may_read(measured):
    world, fgw = measured
    body = world.client(world.department_user).get(STATS).content.decode()
    assert f'data-unit="{world.department.pk}"' in body
    assert f'data-unit="{fgw.pk}"' not in body  # not its problem


@pytest.mark.parametrize(
    ("who", "units"),
    [("office", 2), ("leader", 2), ("department_user", 1), ("outsider", 0)],
)
def test_measures_api(measured, who, units):
    world, _fgw = measured
    client = world.client(getattr(world, who))
    response = client.get("/api/problems/measures/units")
    assert response.status_code == 200
    assert len(response.json()) == units
    response = client.get("/api/problems/measures/weekly?weeks=4")
    assert response.status_code == 200
    weekly = response.json()
    assert len(weekly) == (0 if who == "outsider" else 4)
    if who == "office":
        dept = next(
            r
            for r in client.get("/api/problems/measures/units").json()
            if r["unit_id"] == world.department.pk
        )
        assert dept["reopened_rate"] == 50.0 and dept["on_time_rate"] == 50.0
        assert sum(w["raised"] for w in weekly) >= 1


def test_measures_api_anonymous_and_bad_weeks(world):
    assert world.client(None).get("/api/problems/measures/units").status_code == 401
    response = world.client(world.office).get("/api/problems/measures/weekly?weeks=0")
    assert response.status_code == 422


def test_problem_list_htmx_partial(world):
    land = raised(world, description="用地指标未落实")
    power = raised(world, category="power", description="电力接入延迟")
    client = world.client(world.office)
    full = client.get("/coordination/")
    assert (
        "<html" in full.content.decode() and 'hx-target="#problem-table"' in full.content.decode()
    )
    response = client.get(
        "/coordination/?category=power",
        headers={"HX-Request": "true", "HX-Target": "problem-table"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith('<div id="problem-table">')
    assert f'data-problem="{power.pk}"' in body and f'data-problem="{land.pk}"' not in body
    assert "category=power" in body  # the export link follows the filter
