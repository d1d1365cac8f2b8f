"""Dashboard cases for `make bench`: the command dashboard's chart data, the battle map's
data and the schedule chart's data at the large synthetic set, each beside raw SQL for
the same figures, with query counts (large vs small set: they must be equal) and the
map payload size (aim: under 1 MB).

Imported by `cases.run_all` (after django.setup()); `measure_dashboards` returns one
Result per endpoint. Timed through Django's test client, like the ledger page.
"""

from __future__ import annotations

from collections.abc import Callable

from cases import (
    WARMUPS,
    Result,
    add_warm_and_fresh,
    log,
    logged_in,
    office_of,
    queries_of,
    tables,
    timed,
    timed_cold,
    traced,
    uncached,
)  # fmt: skip
from django.db import connection

from keyworks.coordination.models import Problem, ProblemStatus
from keyworks.ledger.models import Milestone, Programme
from keyworks.reporting.measures import default_month
from keyworks.reporting.models import MonthlyReport, ReportStatus

DASHBOARD_AIM_MS = 300
MAP_PAYLOAD_AIM = 1_000_000  # bytes

ENDPOINTS = {
    "dash-command": ("command dashboard data", "/dashboards/command/data.json"),
    "dash-map": ("battle map data", "/dashboards/map/data.json"),
    "dash-schedule": ("schedule chart data", "/dashboards/schedule/data.json"),
}


def app_endpoint(url: str, programme: Programme) -> Callable[[], int]:
    """GET the endpoint as the programme's office, accepting gzip as browsers do; returns
    the bytes sent."""
    client = logged_in(office_of(programme))
    params = {"programme": programme.code}

    def run() -> int:
        response = client.get(url, params, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return len(response.content)

    return run


def _fetch(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def sql_command(programme: Programme) -> Callable[[], int]:
    """Raw SQL for the dashboard's figures: projects by stage, accepted completion by month,
    annual target and year-to-date by district and by category, open problems by week."""
    t = tables()
    report, problem = MonthlyReport._meta.db_table, Problem._meta.db_table
    month = default_month(programme)
    first = month.replace(month=1)
    live = "p.programme_id = %s AND p.archived_at IS NULL"
    ytd = (
        f"(SELECT r.project_id, SUM(r.completed_this_month) AS done FROM {report} r "
        f"WHERE r.status = %s AND r.month >= %s AND r.month <= %s GROUP BY r.project_id) y"
    )
    accepted = [ReportStatus.ACCEPTED.value, first, month]

    def run() -> int:
        n = _fetch(f"SELECT p.stage, COUNT(*) FROM {t['project']} p WHERE {live} GROUP BY p.stage",
                   [programme.pk])  # fmt: skip
        n += _fetch(
            f"SELECT r.month, SUM(r.completed_this_month) FROM {report} r "
            f"JOIN {t['project']} p ON p.id = r.project_id WHERE {live} AND r.status = %s "
            "AND r.month >= %s AND r.month <= %s GROUP BY r.month",
            [programme.pk, *accepted],
        )
        for group, join in (
            ("d." + t["d_region"], f"JOIN {t['districts']} d ON d.{t['d_project']} = p.id"),
            ("p.category_id", ""),
        ):
            n += _fetch(
                f"SELECT {group}, COUNT(*), SUM(p.annual_investment), SUM(y.done) "
                f"FROM {t['project']} p {join} LEFT JOIN {ytd} ON y.project_id = p.id "
                f"WHERE {live} GROUP BY {group}",
                [*accepted, programme.pk],
            )
        n += _fetch(
            f"SELECT q.raised_at, q.closed_at, q.status FROM {problem} q "
            f"JOIN {t['project']} p ON p.id = q.project_id WHERE p.programme_id = %s "
            "AND q.status <> %s",
            [programme.pk, ProblemStatus.VOIDED.value],
        )
        return n

    return run


def sql_map(programme: Programme) -> Callable[[], int]:
    """Raw SQL for the map: every current project's point and figures, and the district
    aggregates."""
    t = tables()

    def run() -> int:
        n = _fetch(
            "SELECT p.id, p.longitude, p.latitude, p.stage, p.category_id, p.name, "
            "p.total_investment, p.completed_investment, p.geometry "
            f"FROM {t['project']} p WHERE p.programme_id = %s AND p.archived_at IS NULL",
            [programme.pk],
        )
        n += _fetch(
            f"SELECT r.name, COUNT(*), SUM(p.total_investment), SUM(p.completed_investment) "
            f"FROM {t['districts']} d JOIN {t['project']} p ON p.id = d.{t['d_project']} "
            f"JOIN {t['region']} r ON r.id = d.{t['d_region']} "
            "WHERE p.programme_id = %s AND p.archived_at IS NULL GROUP BY r.name",
            [programme.pk],
        )
        return n

    return run


def sql_schedule(programme: Programme) -> Callable[[], int]:
    """Raw SQL for the schedule: projects in ledger order with their milestones."""
    t = tables()
    milestone = Milestone._meta.db_table

    def run() -> int:
        return _fetch(
            "SELECT p.id, p.seq, p.name, p.category_id, p.planned_start, p.planned_finish, "
            "p.actual_start, p.actual_finish, m.id, m.name, m.planned_date, m.actual_date "
            f"FROM {t['project']} p JOIN {t['category']} c ON c.id = p.category_id "
            f"LEFT JOIN {milestone} m ON m.project_id = p.id "
            "WHERE p.programme_id = %s AND p.archived_at IS NULL "
            "ORDER BY c.sort, p.seq, p.id, m.planned_date, m.sort",
            [programme.pk],
        )

    return run


BASELINES = {"dash-command": sql_command, "dash-map": sql_map, "dash-schedule": sql_schedule}


def measure_endpoint(key: str, large: Programme, small: Programme, runs: int) -> Result:
    title, url = ENDPOINTS[key]
    n = large.projects.count()
    run_app, run_sql = app_endpoint(url, large), BASELINES[key](large)
    size = run_app()
    run_sql()
    app_wall, app_cpu = timed_cold(run_app, large, runs)
    result = Result(
        key=key,
        title=f"{title}, {n:,} projects",
        aim_ms=DASHBOARD_AIM_MS,
        app=app_wall,
        cpu=app_cpu,
        baseline=timed(run_sql, runs, WARMUPS)[0],
        baseline_label="raw SQL, same figures",
        constant_queries=True,
    )
    result.peak_mib, result.queries_large = traced(uncached(run_app))
    result.baseline_peak_mib = traced(run_sql)[0]
    run_small = uncached(app_endpoint(url, small))
    run_small()  # warm up, as the large set was
    result.queries_small = queries_of(run_small)
    json_size = len(logged_in(office_of(large)).get(url, {"programme": large.code}).content)
    result.notes.append(
        f"payload {size / 1000:,.0f} kB sent (gzip), {json_size / 1000:,.0f} kB JSON"
    )
    add_warm_and_fresh(result, run_app, large, runs)
    if key == "dash-map":
        met = "met" if size < MAP_PAYLOAD_AIM else "NOT met"
        result.notes.append(f"map payload aim < 1 MB: {met}")
    if key == "dash-command":
        reports = MonthlyReport.objects.filter(project__programme=large).count()
        result.notes.append(f"{reports:,} monthly reports in the set")
    log(f"{result.title}: {result.median_ms:.1f} ms (SQL {result.baseline_ms:.1f} ms)")
    return result


def measure_dashboards(large: Programme, small: Programme, runs: int) -> list[Result]:
    return [measure_endpoint(key, large, small, runs) for key in ENDPOINTS]
