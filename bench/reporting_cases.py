"""Reporting cases for `make bench`, on the large synthetic set with 12 months of accepted
reports (`keyworks synth --months 12`):

- the month's summary page (`/reporting/summary/`, December) through Django's test client,
  aim ≤ 300 ms with a query count that does not grow with the data;
- its Excel export (`month_summary` + `write_summary_xlsx`), aim ≤ 5 s;
- the measures for the whole programme (`project_measures` + lights + the category,
  district and task-force rollups) recomputed from scratch, no aim: what `keyworks
  recompute-measures` pays per month (pages read the stored figures instead).

Each beside the raw SQL aggregate for the same figures (per project: annual target,
year-to-date and month completion from accepted reports, the month's report; per
category and district: the sums).

Imported by `cases.run_all` after django.setup().
"""

from __future__ import annotations

import datetime
import io

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
from django.test.utils import override_settings

from keyworks.ledger.models import Programme
from keyworks.reporting.lights import project_lights
from keyworks.reporting.measures import project_measures, rollup
from keyworks.reporting.models import MonthlyReport, ReportStatus
from keyworks.reporting.summary import month_summary
from keyworks.reporting.summary_export import write_summary_xlsx

PAGE_AIM_MS = 300
EXPORT_AIM_MS = 5000


def month_of(programme: Programme) -> datetime.date:
    return datetime.date(programme.year, 12, 1)


def sql_figures(programme: Programme):
    """Raw SQL: every project's year-to-date and month completion (accepted reports), the
    month's report status, and the sums by category and by district."""
    t = tables()
    report = MonthlyReport._meta.db_table
    month = month_of(programme)
    first = month.replace(month=1)
    live = "p.programme_id = %s AND p.archived_at IS NULL"
    ytd = (
        f"(SELECT r.project_id, SUM(r.completed_this_month) AS done, "
        f"SUM(CASE WHEN r.month = %s THEN r.completed_this_month END) AS month_done "
        f"FROM {report} r WHERE r.status = %s AND r.month >= %s AND r.month <= %s "
        "GROUP BY r.project_id) y"
    )
    accepted = [month, ReportStatus.ACCEPTED.value, first, month]

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.id, p.seq, p.name, p.category_id, p.annual_investment, y.done, "
                f"y.month_done, m.status, m.submitted_at, m.progress_text "
                f"FROM {t['project']} p LEFT JOIN {ytd} ON y.project_id = p.id "
                f"LEFT JOIN {report} m ON m.project_id = p.id AND m.month = %s "
                f"WHERE {live} ORDER BY p.seq, p.id",
                [*accepted, month, programme.pk],
            )
            n = len(cursor.fetchall())
            for group, join in (
                ("d." + t["d_region"], f"JOIN {t['districts']} d ON d.{t['d_project']} = p.id"),
                ("p.category_id", ""),
            ):
                cursor.execute(
                    f"SELECT {group}, COUNT(*), SUM(p.annual_investment), SUM(y.done) "
                    f"FROM {t['project']} p {join} LEFT JOIN {ytd} ON y.project_id = p.id "
                    f"WHERE {live} GROUP BY {group}",
                    [*accepted, programme.pk],
                )
                n += len(cursor.fetchall())
        return n

    return run


def app_page(programme: Programme):
    client = logged_in(office_of(programme))
    params = {"programme": programme.code, "month": f"{month_of(programme):%Y-%m}"}

    def run() -> int:
        response = client.get("/reporting/summary/", params)
        if response.status_code != 200:
            raise RuntimeError(f"/reporting/summary/ answered {response.status_code}")
        return len(response.content)

    return run


def app_export(programme: Programme):
    def run() -> int:
        buffer = io.BytesIO()
        summary = month_summary(programme, month_of(programme), user=office_of(programme))
        return write_summary_xlsx(summary, buffer, today=datetime.date(2026, 1, 5))

    return run


def app_measures(programme: Programme):
    """Recomputed from scratch (stored figures off), as `recompute-measures` does."""

    def run() -> int:
        month = month_of(programme)
        with override_settings(MEASURES_CACHE=False):
            measures = project_measures(programme, month)
            project_lights(programme, month, measures=measures)
        for by in ("programme", "category", "district", "task_force"):
            rollup(measures, by)
        return len(measures)

    return run


CASES = {
    "rep-summary": ("month summary page", app_page, PAGE_AIM_MS, True),
    "rep-export": ("month summary Excel export", app_export, EXPORT_AIM_MS, False),
    "rep-measures": (
        "measures + lights + rollups, whole programme, recomputed from scratch",
        app_measures,
        None,
        True,
    ),
}


def measure_reporting(large: Programme, small: Programme, runs: int, heavy_runs: int):
    reports = MonthlyReport.objects.filter(project__programme=large).count()
    results = []
    for key, (title, app, aim, constant) in CASES.items():
        n = runs if aim != EXPORT_AIM_MS else heavy_runs
        fn = app(large)
        page = key == "rep-summary"  # the export and the recomputation are not requests
        wall, cpu = timed_cold(fn, large, n) if page else timed(fn, n, warmups=WARMUPS)
        baseline, _ = timed(sql_figures(large), n, warmups=WARMUPS)
        peak, queries_large = traced(uncached(fn))
        small_fn = uncached(app(small))
        small_fn()  # warm, as the large set is (session, caches)
        queries_small = queries_of(small_fn)
        result = Result(
            key, title, aim, app=wall, baseline=baseline, cpu=cpu,
            baseline_label="raw SQL aggregate, same figures", peak_mib=peak,
            queries_small=queries_small, queries_large=queries_large,
            constant_queries=constant,
        )  # fmt: skip
        if page:
            add_warm_and_fresh(result, fn, large, n)
        result.notes.append(f"{reports:,} monthly reports in the set (December measured)")
        log(f"{title}: {result.median_ms:,.0f} ms (raw SQL {result.baseline_ms:,.0f} ms)")
        results.append(result)
    return results
