"""Coordination cases for `make bench`, on the large synthetic set with 3 problems per
project and their handling history (`keyworks synth --problems`):

- the problem list page (`/coordination/`) with two filters (status + category), through
  Django's test client as the office;
- the same list as it stood one year before the newest problem (`?as_of=`), computed from
  the problems' events;
- the dispatch meeting's agenda compilation (`meetings.agenda.compile_agenda`, not saved)
  for a meeting day in the programme year;
- the ranking page for 2025 Nov–Dec (`/rankings/`, the task-force tab: live scores of all
  three dimensions, red and black lists, the first page of rows).

Each beside raw SQL for the same result, aim ≤ 300 ms cold (every timed run follows a
save, `cases.timed_cold`), with a query count that must not grow with the data (counted on
the small set, warmed once, and on the large one).

Imported by `cases.run_all` after django.setup().
"""

from __future__ import annotations

import datetime
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
)
from django.db import connection
from django.db.models import Max

from keyworks.coordination.models import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    EscalationLevel,
    Problem,
    ProblemEvent,
    ProblemStatus,
)
from keyworks.core.calendar import SHANGHAI, end_of_day
from keyworks.ledger.models import Milestone, Programme
from keyworks.meetings.agenda import WEEK, compile_agenda
from keyworks.meetings.models import Decision, Meeting
from keyworks.rankings.periods import Period
from keyworks.reporting.models import MonthlyReport, ReportStatus
from keyworks.tasks.models import OPEN_STATUSES as UNFINISHED_STATUSES
from keyworks.tasks.models import Task

AIM_MS = 300
FILTER_STATUS = ProblemStatus.IN_PROGRESS
FILTER_CATEGORY = "land"
AGENDA_DAY = datetime.date(2025, 12, 12)  # a Friday dispatch meeting in the programme year
RANKING_PERIOD = Period(2025, 6)  # Nov–Dec


def as_of_day(programme: Programme) -> datetime.date:
    """One year before the newest problem's day (Asia/Shanghai)."""
    newest = Problem.objects.filter(project__programme=programme).aggregate(at=Max("raised_at"))
    day = newest["at"].astimezone(SHANGHAI).date()
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def t_coord() -> dict[str, str]:
    return tables() | {
        "problem": Problem._meta.db_table,
        "event": ProblemEvent._meta.db_table,
        "assisting": Problem.assisting_units.through._meta.db_table,
        "report": MonthlyReport._meta.db_table,
        "milestone": Milestone._meta.db_table,
        "decision": Decision._meta.db_table,
        "task": Task._meta.db_table,
        "meeting": Meeting._meta.db_table,
    }


def _state(t: dict, column: str, cutoff: bool, kind: str = "") -> str:
    """A correlated subquery: the problem's latest event's `column` (before %s if cutoff)."""
    where = "e.problem_id = pr.id" + (" AND e.at < %s" if cutoff else "") + kind
    return (
        f"(SELECT e.{column} FROM {t['event']} e WHERE {where} ORDER BY e.at DESC, e.id DESC "
        "LIMIT 1)"
    )


def sql_list_query(t: dict, cutoff: datetime.datetime | None) -> str:
    """The filtered list's rows with status, level and latest note as of `cutoff`: the
    problem's own columns now, its latest events before a past cutoff."""
    c = cutoff is not None
    status = _state(t, "status", c) if c else "pr.status"
    level = _state(t, "level", c) if c else "pr.level"
    sql = (
        f"SELECT * FROM (SELECT pr.id, pr.category, pr.description, pr.deadline, "
        f"pr.raised_at, pr.discipline_flag, p.seq, p.name, u.name AS unit, {status} AS s, "
        f"{level} AS lv, {_state(t, 'note', c, ' AND e.kind = %s')} AS note "
        f"FROM {t['problem']} pr JOIN {t['project']} p ON p.id = pr.project_id "
        f"LEFT JOIN {t['unit']} u ON u.id = pr.lead_unit_id "
        f"WHERE p.programme_id = %s AND pr.category = %s"
        # Closing is final: a problem closed before the cutoff was not open then.
        + (" AND pr.raised_at < %s AND (pr.closed_at IS NULL OR pr.closed_at >= %s)" if c else "")
        + ") x WHERE x.s = %s ORDER BY x.seq, x.raised_at, x.id"
    )
    return sql


def sql_list(programme: Programme, as_of: datetime.date | None = None):
    """Raw SQL: how many problems pass the filters (with their state then), and the first
    page of 100 of them with their assisting units."""
    t = t_coord()
    cutoff = end_of_day(as_of) if as_of else None
    sql = sql_list_query(t, cutoff)
    cutoff = connection.ops.adapt_datetimefield_value(cutoff)  # as the ORM stores it
    note = ProblemEvent.Kind.NOTE.value
    if cutoff is None:
        params = [note, programme.pk, FILTER_CATEGORY, FILTER_STATUS.value]
    else:
        params = [cutoff, cutoff, cutoff, note, programme.pk, FILTER_CATEGORY, cutoff, cutoff]
        params.append(FILTER_STATUS.value)

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) q", params)
            (count,) = cursor.fetchone()
            cursor.execute(f"SELECT * FROM ({sql}) q LIMIT {PAGE}", params)
            ids = [row[0] for row in cursor.fetchall()]
            if ids:
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(
                    f"SELECT a.problem_id, u.name FROM {t['assisting']} a "
                    f"JOIN {t['unit']} u ON u.id = a.unit_id WHERE a.problem_id IN ({marks})",
                    ids,
                )
                cursor.fetchall()
        return count

    return run


PAGE = 100  # the list page's page size (coordination.views.PAGE_SIZE)
COUNT_RE = re.compile(rb'id="problem-count">(\d+)<')


def app_list(programme: Programme, as_of: datetime.date | None = None):
    client = logged_in(office_of(programme))
    params = {
        "programme": programme.code,
        "status": FILTER_STATUS.value,
        "category": FILTER_CATEGORY,
    }
    if as_of is not None:
        params["as_of"] = f"{as_of:%Y-%m-%d}"

    def run() -> int:
        response = client.get("/coordination/", params)
        if response.status_code != 200:
            raise RuntimeError(f"/coordination/ answered {response.status_code}")
        match = COUNT_RE.search(response.content)
        if match is None:
            raise RuntimeError("/coordination/ shows no problem count")
        return int(match[1])

    return run


def app_as_of(programme: Programme):
    return app_list(programme, as_of_day(programme))


def sql_as_of(programme: Programme):
    return sql_list(programme, as_of_day(programme))


def app_agenda(programme: Programme):
    def run() -> int:
        return len(compile_agenda(programme, AGENDA_DAY))

    return run


def sql_agenda(programme: Programme):
    """Raw SQL: the unfinished decisions, the problems open at the end of the day that
    belong in the new / overdue / escalated sections, with their state then, and the
    inputs of the lights for the month before: per project the annual plan, the
    year-to-date accepted completion and the month's report."""
    t = t_coord()
    cutoff = end_of_day(AGENDA_DAY)
    sql = sql_list_query(t, cutoff)
    cutoff = connection.ops.adapt_datetimefield_value(cutoff)
    open_marks = ", ".join(["%s"] * len(OPEN_STATUSES))
    handling_marks = ", ".join(["%s"] * len(HANDLING_STATUSES))
    # The list statement, without the category filter, for every open status, keeping the
    # problems of the three sections: new this week, overdue, escalated to the meeting.
    sql = sql.replace(" AND pr.category = %s", "").replace(
        "WHERE x.s = %s",
        f"WHERE x.s IN ({open_marks}) AND (x.raised_at >= %s OR (x.s IN ({handling_marks}) "
        f"AND x.deadline < %s) OR x.lv >= %s)",
    )
    params = [cutoff, cutoff, cutoff, ProblemEvent.Kind.NOTE.value, programme.pk, cutoff, cutoff]
    params += [str(s) for s in OPEN_STATUSES]
    params.append(connection.ops.adapt_datetimefield_value(end_of_day(AGENDA_DAY - WEEK)))
    params += [str(s) for s in HANDLING_STATUSES]
    params += [AGENDA_DAY, int(EscalationLevel.DISPATCH)]
    month = datetime.date(AGENDA_DAY.year, AGENDA_DAY.month - 1, 1)
    report = t["report"]

    def run() -> int:
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(UNFINISHED_STATUSES))
            cursor.execute(
                f"SELECT k.id, k.text, k.deadline, k.status FROM {t['decision']} d "
                f"JOIN {t['task']} k ON k.id = d.task_id "
                f"JOIN {t['meeting']} m ON m.id = d.meeting_id "
                f"WHERE m.programme_id = %s AND k.status IN ({marks})",
                [programme.pk, *map(str, UNFINISHED_STATUSES)],
            )
            n = len(cursor.fetchall())
            cursor.execute(sql, params)
            n += len(cursor.fetchall())
            cursor.execute(
                f"SELECT p.id, p.annual_investment, y.done, m.status, m.submitted_at "
                f"FROM {t['project']} p LEFT JOIN (SELECT r.project_id, "
                f"SUM(r.completed_this_month) AS done FROM {report} r WHERE r.status = %s "
                f"AND r.month <= %s GROUP BY r.project_id) y ON y.project_id = p.id "
                f"LEFT JOIN {report} m ON m.project_id = p.id AND m.month = %s "
                f"WHERE p.programme_id = %s AND p.archived_at IS NULL",
                [ReportStatus.ACCEPTED.value, month, month, programme.pk],
            )
            cursor.fetchall()
        return n

    return run


def app_ranking(programme: Programme):
    """The ranking page, the whole request (live scores, red and black lists, a page of
    rows); gives the page's size in bytes."""
    client = logged_in(office_of(programme))
    params = {"programme": programme.code, "period": RANKING_PERIOD.code}

    def run() -> int:
        response = client.get("/rankings/", params)
        if response.status_code != 200:
            raise RuntimeError(f"/rankings/ answered {response.status_code}")
        return len(response.content)

    return run


def sql_ranking(programme: Programme):
    """Raw SQL: the task-force figures the scores are made of, one grouped statement
    each: annual plan and year-to-date accepted completion at the end of Dec; milestones
    planned in Nov–Dec and those done on time; Nov and Dec reports filed on time; problems
    due in the period and closed by their deadline."""
    t = t_coord()
    first, last = RANKING_PERIOD.first, RANKING_PERIOD.last
    end = RANKING_PERIOD.end
    live = "p.programme_id = %s AND p.archived_at IS NULL"
    statements = [
        (
            f"SELECT p.task_force_id, SUM(p.annual_investment), SUM(y.done) "
            f"FROM {t['project']} p LEFT JOIN (SELECT r.project_id, "
            f"SUM(r.completed_this_month) AS done FROM {t['report']} r WHERE r.status = %s "
            f"AND r.month <= %s GROUP BY r.project_id) y ON y.project_id = p.id "
            f"WHERE {live} GROUP BY p.task_force_id",
            [ReportStatus.ACCEPTED.value, last, programme.pk],
        ),
        (
            f"SELECT p.task_force_id, COUNT(*), SUM(CASE WHEN m.actual_date <= m.planned_date "
            f"THEN 1 ELSE 0 END) FROM {t['milestone']} m JOIN {t['project']} p "
            f"ON p.id = m.project_id WHERE {live} AND m.planned_date >= %s "
            f"AND m.planned_date <= %s GROUP BY p.task_force_id",
            [programme.pk, first, end],
        ),
        (
            f"SELECT p.task_force_id, COUNT(*), SUM(CASE WHEN r.is_late THEN 0 ELSE 1 END) "
            f"FROM {t['report']} r JOIN {t['project']} p ON p.id = r.project_id "
            f"WHERE {live} AND r.month >= %s AND r.month <= %s GROUP BY p.task_force_id",
            [programme.pk, first, last],
        ),
        (
            f"SELECT p.task_force_id, COUNT(*), SUM(CASE WHEN DATE(pr.closed_at) <= "
            f"pr.deadline THEN 1 ELSE 0 END) FROM {t['problem']} pr JOIN {t['project']} p "
            f"ON p.id = pr.project_id WHERE {live} AND pr.deadline >= %s "
            f"AND pr.deadline <= %s AND pr.status <> %s GROUP BY p.task_force_id",
            [programme.pk, first, end, ProblemStatus.VOIDED.value],
        ),
    ]

    def run() -> int:
        with connection.cursor() as cursor:
            groups = 0
            for sql, params in statements:
                cursor.execute(sql, params)
                groups = max(groups, len(cursor.fetchall()))
        return groups

    return run


# key: (title, app, raw SQL, whether both must count the same rows)
CASES = {
    "coord-list": ("problem list page, 2 filters", app_list, sql_list, True),
    "coord-as-of": ("problem list, as of one year back", app_as_of, sql_as_of, True),
    "coord-agenda": ("dispatch agenda compilation", app_agenda, sql_agenda, False),
    "coord-ranking": ("ranking page, Nov–Dec", app_ranking, sql_ranking, False),
}


def measure_coordination(large: Programme, small: Programme, runs: int) -> list[Result]:
    problems = Problem.objects.filter(project__programme=large).count()
    events = ProblemEvent.objects.filter(problem__project__programme=large).count()
    notes = {
        "coord-list": f"status {FILTER_STATUS.value} + category {FILTER_CATEGORY}; {{}} match",
        "coord-as-of": f"as_of {as_of_day(large):%Y-%m-%d}, same filters; {{}} match",
        "coord-agenda": f"meeting day {AGENDA_DAY:%Y-%m-%d}, not saved; {{}} agenda items",
        "coord-ranking": f"{RANKING_PERIOD.label}, task-force tab; a page of {{}} bytes",
    }
    results = []
    for key, (title, app, sql, same_rows) in CASES.items():
        fn, baseline_fn = app(large), sql(large)
        shown, expected = fn(), baseline_fn()
        if same_rows and shown != expected:
            error = f"the app counts {shown} problems, raw SQL {expected}"
            log(f"{title} FAILED: {error}")
            results.append(failed(key, title, error, AIM_MS))
            continue
        wall, cpu = timed_cold(fn, large, runs)
        baseline, _ = timed(baseline_fn, runs, warmups=WARMUPS)
        peak, queries_large = traced(uncached(fn))
        small_fn = uncached(app(small))
        small_fn()  # warm, as the large set is (session, caches)
        queries_small = queries_of(small_fn)
        result = Result(
            key, title, AIM_MS, app=wall, baseline=baseline, cpu=cpu,
            baseline_label="raw SQL, same rows / figures", peak_mib=peak,
            queries_small=queries_small, queries_large=queries_large, constant_queries=True,
        )  # fmt: skip
        add_warm_and_fresh(result, fn, large, runs)
        result.notes.append(
            notes[key].format(f"{shown:,}") + f" (set: {problems:,} problems, {events:,} events)"
        )
        log(f"{title}: {result.median_ms:,.0f} ms (raw SQL {result.baseline_ms:,.0f} ms)")
        results.append(result)
    return results
