"""Reporting cases for `make bench`, on the large synthetic set with 12 months of accepted
reports (`keyworks synth --months 12`):

- the month's summary page (`/reporting/summary/`, December) through Django's test client,
  aim ≤ 300 ms with a query count that does not grow with the data;
- its Excel export (`month_summary` + `write_summary_xlsx`), aim ≤ 5 s;
- the measures for the whole programme (`project_measures` + lights + the category,
  district and task-force rollups) recomputed from scratch, no aim: what `keyworks
  recompute-measures` pays per month (pages read the stored figures instead);
- the measures page (`/reporting/measures/`, December: programme, category and district
  rollups, light counts, the first 50 project rows) beside the plain definition computing
  the same figures from scratch (`measures._compute`, the lights, the rollups, the page);
- the report list (`/reporting/`, December: counts of submitted, late, missing and
  paused over every project, the first 50 rows) beside raw SQL for the same counts and
  rows.

The summary, its export and the recomputation are each beside the raw SQL aggregate for
the same figures (per project: annual target, year-to-date and month completion from
accepted reports, the month's report; per category and district: the sums).

Imported by `cases.run_all` after django.setup().
"""

from __future__ import annotations

import datetime
import io
import re

from cases import (
    WARMUPS,
    Result,
    add_warm_and_fresh,
    failed,
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
from keyworks.reporting.lights import count_lights, project_lights
from keyworks.reporting.measures import _compute, pause_window, project_measures, rollup
from keyworks.reporting.models import MonthlyReport, ProjectPause, ReportStatus
from keyworks.reporting.services import due_at
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


RED_RE = re.compile(r'data-figure="lights">红 (\d+) ')
MISSING_RE = re.compile(rb'data-count="missing">(\d+)<')
PAGE = 50  # the measures page's and the report list's rows a page


def page_of(path: str, pattern, programme: Programme):
    """A page as the office, December; gives the figure `pattern` finds in it."""
    client = logged_in(office_of(programme))
    params = {"programme": programme.code, "month": f"{month_of(programme):%Y-%m}"}

    def run() -> int:
        response = client.get(path, params)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        text = response.content if isinstance(pattern.pattern, bytes) else response.text
        match = pattern.search(text)
        if match is None:
            raise RuntimeError(f"{path} shows no {pattern.pattern!r}")
        return int(match[1])

    return run


def app_measures_page(programme: Programme):
    return page_of("/reporting/measures/", RED_RE, programme)


def plain_measures_page(programme: Programme):
    """The plain definition: the month's measures and lights computed from scratch, the
    programme, category and district rollups, the light counts and the first page of
    rows (no request, no template); gives the red lights."""

    def run() -> int:
        month = month_of(programme)
        measures = _compute(programme, month, None)
        with override_settings(MEASURES_CACHE=False):
            lights = project_lights(programme, month, measures=measures)
        for by in ("programme", "category", "district"):
            rollup(measures, by)
        counts = count_lights(lights)
        [(measures[pk], lights[pk]) for pk in list(measures)[:PAGE]]
        return counts["red"]

    return run


def app_report_list(programme: Programme):
    return page_of("/reporting/", MISSING_RE, programme)


def sql_report_list(programme: Programme):
    """Raw SQL: over the current projects not paused in December (a pause overlapping the
    month or the one it is reported in, up to now), how many reports are submitted, late
    and missing (not submitted once due); how many are paused; the first 50 projects in
    ledger order with their December report. Gives the missing count."""
    t = tables()
    report = MonthlyReport._meta.db_table
    pause = ProjectPause._meta.db_table
    month = month_of(programme)

    def run() -> int:
        now = datetime.datetime.now(datetime.UTC)
        start, end = (connection.ops.adapt_datetimefield_value(v) for v in pause_window(month, now))
        due = 1 if now > due_at(programme, month) else 0
        live = "p.programme_id = %s AND p.archived_at IS NULL"
        paused = (
            f"EXISTS (SELECT 1 FROM {pause} z WHERE z.project_id = p.id AND z.started_at < %s "
            "AND (z.ended_at IS NULL OR z.ended_at > %s))"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), "
                f"SUM(CASE WHEN {paused} THEN 0 ELSE 1 END), "
                f"SUM(CASE WHEN NOT {paused} AND r.submitted_at IS NOT NULL THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN NOT {paused} AND r.is_late THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN NOT {paused} AND r.submitted_at IS NULL AND %s = 1 "
                f"THEN 1 ELSE 0 END) "
                f"FROM {t['project']} p LEFT JOIN {report} r ON r.project_id = p.id "
                f"AND r.month = %s WHERE {live}",
                [end, start] * 4 + [due, month, programme.pk],
            )
            _total, _measured, _submitted, _late, missing = cursor.fetchone()
            cursor.execute(
                f"SELECT p.id, p.seq, p.name, r.id, r.status, r.submitted_at, r.is_late "
                f"FROM {t['project']} p LEFT JOIN {report} r ON r.project_id = p.id "
                f"AND r.month = %s WHERE {live} ORDER BY p.seq, p.id LIMIT {PAGE}",
                [month, programme.pk],
            )
            cursor.fetchall()
        return missing or 0

    return run


# key: (title, app, baseline, its label), pages beside a baseline of the same result
PAGES = {
    "rep-measures-page": (
        "measures page, December",
        app_measures_page,
        plain_measures_page,
        "the plain definition (measures, lights, rollups from scratch), same figures",
    ),
    "rep-report-list": (
        "report list, December",
        app_report_list,
        sql_report_list,
        "raw SQL, same counts and rows",
    ),
}


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
    for key, (title, app, base, label) in PAGES.items():
        fn, baseline_fn = app(large), base(large)
        shown, expected = fn(), baseline_fn()
        if shown != expected:
            error = f"the page shows {shown}, its baseline {expected}"
            log(f"{title} FAILED: {error}")
            results.append(failed(key, title, error, PAGE_AIM_MS))
            continue
        wall, cpu = timed_cold(fn, large, runs)
        baseline, _ = timed(baseline_fn, runs, warmups=WARMUPS)
        peak, queries_large = traced(uncached(fn))
        small_fn = uncached(app(small))
        small_fn()
        queries_small = queries_of(small_fn)
        result = Result(
            key, title, PAGE_AIM_MS, app=wall, baseline=baseline, cpu=cpu,
            baseline_label=label, peak_mib=peak, queries_small=queries_small,
            queries_large=queries_large, constant_queries=True,
        )  # fmt: skip
        add_warm_and_fresh(result, fn, large, runs)
        what = "red lights" if key == "rep-measures-page" else "reports missing"
        result.notes.append(f"{shown:,} {what}, the same in the page and its baseline")
        log(f"{title}: {result.median_ms:,.0f} ms (baseline {result.baseline_ms:,.0f} ms)")
        results.append(result)
    return results
