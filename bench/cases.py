"""The measured operations and the baselines they are compared with.

Imported by bench/run.py after django.setup(). Times are wall-clock (`perf_counter`).

- List page and API (milliseconds each): timed in this process; peak memory is the
  tracemalloc peak of Python allocations during one extra untimed run, in which the SQL
  statements are also counted.
- Export and import (seconds each): every run happens in a forked child process, so each
  starts from the same state; the child reports its time, the growth of its peak resident
  memory (VmHWM, reset through /proc/self/clear_refs; includes the database driver's and
  openpyxl's C memory) and its SQL statements, counted by a connection execute wrapper
  (about a microsecond each). tracemalloc would slow a 10,000-row import four- to
  five-fold, so it is not used there.
"""

from __future__ import annotations

import ctypes
import gc
import io
import os
import pickle
import re
import statistics
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import python_calamine
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.models import Q
from django.http import QueryDict
from django.test import Client
from openpyxl import Workbook, load_workbook

from keyworks.audit.models import ChangeRecord
from keyworks.core.xlsx import load_workbook_for_import
from keyworks.core.xlsx_reader import read_sheets
from keyworks.demo.synth import build_synth, delete_programme
from keyworks.ledger.excel_export import COLUMNS, prepare_queryset, write_ledger_xlsx
from keyworks.ledger.filters import ProjectFilter
from keyworks.ledger.importer import apply_ledger_import, parse_ledger
from keyworks.ledger.models import Category, Programme, Project, Stage, TaskForce
from keyworks.orgs.models import Region, Unit, User

WARMUPS = 2
PAGE_SIZE = 50  # the ledger page and the API default
FILTER_STAGE = Stage.CONSTRUCTION
FILTER_CATEGORY = "industry"
IMPORT_TARGET = "bench-import"  # fresh programmes the workbooks are imported into
BENCH_FILE = "keyworks-bench.xlsx"  # the import's file name, kept in its change records
LIST_AIM_MS = 100
EXPORT_AIM_MS = 5_000
IMPORT_AIM_MS = 10_000
HEAVY_BUDGET_S = 60  # stop repeating an export/import case once its runs took this long


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    title: str
    aim_ms: float | None
    app: list[float]  # wall-clock seconds per timed run
    baseline: list[float]
    cpu: list[float]  # CPU seconds of this process per timed run (not the database server's)
    baseline_label: str
    peak_mib: float | None = None
    baseline_peak_mib: float | None = None
    memory: str = "tracemalloc"  # or "rss"
    queries_small: int | None = None
    queries_large: int | None = None
    constant_queries: bool = False  # the aim includes "queries do not grow with the data"
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # the measured operation failed
    # Pages and endpoints: `app` holds the cold runs (each the first request after a
    # write, `timed_cold`); `warm` the runs with nothing changed since the previous
    # request; `fresh_ms` one cold run in a process that has kept nothing.
    warm: list[float] | None = None
    fresh_ms: float | None = None
    # Pages and endpoints at 10,000 projects: the cold median at most this many times the
    # raw-SQL baseline that computes the same result.
    ratio_aim: float | None = None

    @property
    def warm_ms(self) -> float | None:
        return statistics.median(self.warm) * 1000 if self.warm else None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.app) * 1000 if self.app else float("nan")

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000 if self.cpu else float("nan")

    @property
    def baseline_ms(self) -> float:
        return statistics.median(self.baseline) * 1000 if self.baseline else float("nan")

    @property
    def ratio(self) -> float:
        return self.median_ms / self.baseline_ms if self.baseline_ms else float("inf")

    @property
    def time_met(self) -> bool:
        return self.aim_ms is None or self.median_ms <= self.aim_ms

    @property
    def ratio_met(self) -> bool:
        return self.ratio_aim is None or self.ratio <= self.ratio_aim

    @property
    def queries_met(self) -> bool:
        return not self.constant_queries or self.queries_small == self.queries_large

    @property
    def met(self) -> bool:
        return self.error is None and self.time_met and self.queries_met and self.ratio_met


def failed(key: str, title: str, error: str, aim_ms: float | None = None) -> Result:
    return Result(key, title, aim_ms, app=[], baseline=[], cpu=[], baseline_label="—", error=error)


class ChildError(RuntimeError):
    """The measured operation raised in the child; `summary` is the exception's last line."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        lines = [line for line in text.strip().splitlines() if line.strip()]
        self.summary = lines[-1].strip() if lines else "unknown error"


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def timed(
    fn: Callable[[], Any], runs: int, warmups: int = 0, before: Callable[[], Any] | None = None
) -> tuple[list[float], list[float]]:
    """(wall-clock seconds, CPU seconds) of each run; `before` runs untimed before each."""
    for _ in range(warmups):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


class QueryCounter:
    """A connection execute wrapper counting statements (an executemany counts once)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def queries_of(fn: Callable[[], Any]) -> int:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        fn()
    return counter.count


def a_write(programme: Programme) -> Callable[[], None]:
    """One save through the services, as on deadline day: a project's completed investment
    moves by 0.01 万元 (a change record, a stale mark, the programme's reused results out)."""
    from keyworks.ledger import services as ledger_services
    from keyworks.ledger.models import Project

    office = office_of(programme)
    project_id = Project.objects.filter(programme=programme).order_by("pk").values("pk")[0]["pk"]

    def write() -> None:
        project = Project.objects.get(pk=project_id)
        ledger_services.update_project(
            project,
            {"completed_investment": project.completed_investment + Decimal("0.01")},
            by=office,
            expected_version=project.version,
        )

    return write


def timed_cold(
    fn: Callable[[], Any], programme: Programme, runs: int
) -> tuple[list[float], list[float]]:
    """(wall, CPU seconds) of `fn` when each run is the first request after a write (the
    write itself untimed): what a page pays on deadline day, in a process that served it
    before."""
    # one warm-up: the process has served the page before
    return timed(fn, runs, warmups=1, before=a_write(programme))


def cold_in_fresh_process_ms(fn: Callable[[], Any], programme: Programme) -> float:
    """`fn` after a write, in a new process that has kept nothing (a worker just started:
    no snapshot, an empty cache), in ms."""
    write = a_write(programme)

    def prepare() -> None:
        from django.core.cache import cache

        from keyworks.reporting.figures import forget_snapshots

        forget_snapshots()
        cache.clear()
        write()

    return in_child(lambda _arg: fn(), prepare).seconds * 1000


# Pages and endpoints, cold: at most 3× the raw SQL computing the same result.
PAGE_RATIO_AIM = 3.0
# The tests of the cases run inside a test transaction, which a fork would lose.
MEASURE_IN_NEW_PROCESS = True


def add_warm_and_fresh(result: Result, fn: Callable[[], Any], programme: Programme, runs: int):
    """Add to `result` (whose timed runs are the cold ones of `timed_cold`) the warm runs
    (nothing changed since the previous request) and one cold run in a fresh process."""
    result.warm, _ = timed(fn, runs, warmups=1)
    result.ratio_aim = PAGE_RATIO_AIM
    if MEASURE_IN_NEW_PROCESS:
        result.fresh_ms = cold_in_fresh_process_ms(fn, programme)


def uncached(fn: Callable[[], Any]) -> Callable[[], Any]:
    """`fn` with reuse off, so query counts count the whole computation."""
    from django.test.utils import override_settings

    def run():
        with override_settings(MEASURES_CACHE=False):
            return fn()

    return run


def traced(fn: Callable[[], Any]) -> tuple[float, int]:
    """One untimed run: (tracemalloc peak MiB of Python allocations, SQL statements)."""
    gc.collect()
    counter = QueryCounter()
    tracemalloc.start()
    try:
        with connection.execute_wrapper(counter):
            fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / 2**20, counter.count


def _status_kib(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {key}")


def release_free_memory() -> None:
    """Give free heap back to the OS (glibc), so that memory the parent freed and the child
    inherited is not silently reused and the child's peak growth is not understated."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


@dataclass
class Run:
    seconds: float
    cpu: float
    peak_mib: float  # growth of the child's peak resident memory during the run
    queries: int
    value: Any


def in_child(run: Callable[[Any], Any], prepare: Callable[[], Any] | None = None) -> Run:
    """`run(prepare())` in a forked child; only `run` is timed, traced and counted."""
    connections.close_all()  # the child opens its own connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            arg = prepare() if prepare else None
            gc.collect()
            release_free_memory()
            with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
                refs.write("5")  # peak RSS := current RSS
            rss = _status_kib("VmRSS")
            counter = QueryCounter()
            start, start_cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counter):
                value = run(arg)
            seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            peak = (_status_kib("VmHWM") - rss) / 1024
            payload: tuple = ("ok", Run(seconds, cpu, peak, counter.count, value))
        except BaseException:  # noqa: BLE001 - reported to the parent
            payload = ("error", traceback.format_exc())
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(payload, pipe)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the benchmark child process died without a result")
    status, result = pickle.loads(data)
    if status != "ok":
        raise ChildError(result)
    return result


def child_runs(
    run: Callable[[Any], Any], runs: int, prepare: Callable[[], Any] | None = None,
    budget: float = HEAVY_BUDGET_S, label: str = "",
) -> list[Run]:  # fmt: skip
    """Up to `runs` runs in children, fewer once they have taken `budget` seconds."""
    done: list[Run] = []
    for i in range(runs):
        done.append(in_child(run, prepare))
        if label:
            log(f"{label} run {i + 1}: {done[-1].seconds:,.2f} s")
        if sum(r.seconds for r in done) >= budget and i + 1 < runs:
            log(f"{label}: stopping after {i + 1} run(s), over the {budget:.0f} s budget")
            break
    return done


# --- data ------------------------------------------------------------------------------------


@dataclass
class Built:
    programme: Programme
    seconds: float | None  # None: reused from an earlier run


SYNTH_MONTHS = 12  # accepted monthly reports, January to December
SYNTH_PROBLEMS_PER_PROJECT = 3  # problems with their handling history (30,000 at 10,000)


def ensure_synth(size: int, seed: int, *, rebuild: bool) -> Built:
    """`keyworks synth --projects SIZE --seed SEED --months 12 --problems 3×SIZE` unless
    that programme is already there with its reports and problems."""
    from keyworks.coordination.models import Problem
    from keyworks.reporting.models import MonthlyReport

    code = f"synth-{seed}"
    problems = size * SYNTH_PROBLEMS_PER_PROJECT
    existing = Programme.objects.filter(code=code).first()
    if (
        existing is not None
        and not rebuild
        and existing.projects.count() == size
        and MonthlyReport.objects.filter(project__programme=existing).count() == size * SYNTH_MONTHS
        and Problem.objects.filter(project__programme=existing).count() == problems
    ):
        return Built(existing, None)
    log(
        f"building {code} with {size:,} projects, {SYNTH_MONTHS} months and {problems:,}"
        " problems (keyworks synth)"
    )
    start = time.perf_counter()
    out = io.StringIO()
    call_command(
        "synth", projects=size, seed=seed, months=SYNTH_MONTHS, problems=problems,
        replace=existing is not None, stdout=out,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    log(out.getvalue().strip().replace("\n", " | "))
    return Built(Programme.objects.get(code=code), seconds)


def analyze() -> None:
    """PostgreSQL: fresh planner statistics, as autovacuum would give soon after a bulk load
    (without them it estimated 1 row where 1,358 matched). SQLite is left as deployed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def office_of(programme: Programme) -> User:
    return User.objects.get(username=f"{programme.code}-office")


def tables() -> dict[str, str]:
    through = Project.districts.through
    return {
        "project": Project._meta.db_table,
        "category": Category._meta.db_table,
        "unit": Unit._meta.db_table,
        "region": Region._meta.db_table,
        "taskforce": TaskForce._meta.db_table,
        "programme": Programme._meta.db_table,
        "districts": through._meta.db_table,
        "d_project": through._meta.get_field("project").column,
        "d_region": through._meta.get_field("region").column,
    }


# --- the ledger page and the API list ----------------------------------------------------------

WHERE = "p.programme_id = %s AND p.stage = %s AND p.category_id = %s AND p.archived_at IS NULL"


def _district_rows(cursor, t: dict, ids: list[int], columns: str) -> list[tuple]:
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"SELECT d.{t['d_project']}, {columns} FROM {t['districts']} d "
        f"JOIN {t['region']} r ON r.id = d.{t['d_region']} "
        f"WHERE d.{t['d_project']} IN ({marks}) ORDER BY d.{t['d_project']}, r.id",
        ids,
    )
    return cursor.fetchall()


def sql_page(programme: Programme, category: Category) -> Callable[[], int]:
    """The ledger page's data in raw SQL: totals, the first 50 rows with category and
    responsible unit, their districts."""
    t = tables()
    params = [programme.pk, FILTER_STAGE.value, category.pk]

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*), SUM(p.total_investment), SUM(p.completed_investment), "
                f"SUM(p.annual_investment) FROM {t['project']} p WHERE {WHERE}",
                params,
            )
            count = cursor.fetchone()[0]
            cursor.execute(
                "SELECT p.id, p.seq, p.name, p.code, p.stage, p.archived_at, c.name, u.name, "
                "p.total_investment, p.completed_investment, p.planned_start, p.planned_finish "
                f"FROM {t['project']} p JOIN {t['category']} c ON c.id = p.category_id "
                f"LEFT JOIN {t['unit']} u ON u.id = p.responsible_unit_id WHERE {WHERE} "
                f"ORDER BY c.sort, p.seq, p.id LIMIT {PAGE_SIZE}",
                params,
            )
            rows = cursor.fetchall()
            _district_rows(cursor, t, [r[0] for r in rows], "r.name")
        return count

    return run


def sql_api(programme: Programme, category: Category) -> Callable[[], int]:
    """The API page's data in raw SQL: the count, 50 rows with programme, category, owner,
    responsible unit and lead official, their districts."""
    t = tables()
    params = [programme.pk, FILTER_STAGE.value, category.pk]

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {t['project']} p WHERE {WHERE}", params)
            count = cursor.fetchone()[0]
            cursor.execute(
                "SELECT p.id, g.code, p.seq, p.name, p.code, c.id, c.code, c.name, p.grade, "
                "p.stage, p.address, p.longitude, p.latitude, o.id, o.name, u.id, u.name, "
                "tf.lead_official, p.total_investment, p.completed_investment, "
                "p.annual_investment, p.planned_start, p.planned_finish, p.actual_start, "
                "p.actual_finish, p.archived_at, p.version, p.updated_at "
                f"FROM {t['project']} p JOIN {t['programme']} g ON g.id = p.programme_id "
                f"JOIN {t['category']} c ON c.id = p.category_id "
                f"LEFT JOIN {t['unit']} o ON o.id = p.owner_id "
                f"LEFT JOIN {t['unit']} u ON u.id = p.responsible_unit_id "
                f"LEFT JOIN {t['taskforce']} tf ON tf.id = p.task_force_id WHERE {WHERE} "
                f"ORDER BY c.sort, p.seq, p.id LIMIT {PAGE_SIZE}",
                params,
            )
            rows = cursor.fetchall()
            _district_rows(cursor, t, [r[0] for r in rows], "r.id, r.code, r.name")
        return count

    return run


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


_COUNT_RE = re.compile(r'data-total="count">\s*([\d,]+)\s*<')


def app_page(programme: Programme, category: Category) -> Callable[[], int]:
    client = logged_in(office_of(programme))
    params = {"programme": programme.code, "stage": FILTER_STAGE.value, "category": category.pk}

    def run() -> int:
        response = client.get("/ledger/", params)
        if response.status_code != 200:
            raise RuntimeError(f"/ledger/ answered {response.status_code}")
        match = _COUNT_RE.search(response.content.decode())
        if match is None:
            raise RuntimeError("/ledger/ shows no project count")
        return int(match[1].replace(",", ""))

    return run


def app_api(programme: Programme, category: Category) -> Callable[[], int]:
    client = logged_in(office_of(programme))
    params = {"programme": programme.code, "stage": FILTER_STAGE.value, "category": category.code}

    def run() -> int:
        response = client.get("/api/projects", params)
        if response.status_code != 200:
            raise RuntimeError(f"/api/projects answered {response.status_code}")
        data = response.json()
        if len(data["items"]) != min(PAGE_SIZE, data["count"]):
            raise RuntimeError(f"/api/projects gave {len(data['items'])} items")
        return data["count"]

    return run


def measure_list(
    key: str, title: str, app: Callable, sql: Callable, large: Programme, small: Programme,
    runs: int,
) -> Result:  # fmt: skip
    category = large.categories.get(code=FILTER_CATEGORY)
    run_app, run_sql = app(large, category), sql(large, category)
    shown, expected = run_app(), run_sql()
    if shown != expected:
        raise RuntimeError(f"{title}: the app counts {shown} projects, raw SQL {expected}")
    total = large.projects.count()
    app_wall, app_cpu = timed(run_app, runs, WARMUPS)
    result = Result(
        key=key,
        title=title,
        aim_ms=LIST_AIM_MS,
        app=app_wall,
        cpu=app_cpu,
        baseline=timed(run_sql, runs, WARMUPS)[0],
        baseline_label="raw SQL, same data",
        constant_queries=True,
        ratio_aim=PAGE_RATIO_AIM,  # the ledger list reads no figures: cold is warm here
    )
    result.peak_mib, result.queries_large = traced(run_app)
    result.baseline_peak_mib = traced(run_sql)[0]
    run_small = app(small, small.categories.get(code=FILTER_CATEGORY))
    run_small()  # warm up, as the large set was
    result.queries_small = queries_of(run_small)
    result.notes.append(
        f"{expected:,} of {total:,} projects match (stage={FILTER_STAGE.value}, "
        f"category={FILTER_CATEGORY}); first page of {PAGE_SIZE}"
    )
    log(f"{title}: {result.median_ms:.1f} ms (SQL {result.baseline_ms:.1f} ms)")
    return result


# --- export ----------------------------------------------------------------------------------


def ledger_queryset(programme: Programme, user: User):
    """What the export view passes: the whole ledger through the one filter."""
    base = Project.objects.restrict(user).filter(programme=programme)
    return ProjectFilter(QueryDict(""), queryset=base, programme=programme).qs


def export_bytes(programme: Programme, user: User, projects=None) -> bytes:
    buffer = io.BytesIO()
    write_ledger_xlsx(
        programme, ledger_queryset(programme, user) if projects is None else projects, buffer
    )
    return buffer.getvalue()


def fresh(programme: Programme) -> tuple[Programme, User]:
    """The programme and its office user as a request would load them (no warm caches)."""
    return Programme.objects.get(pk=programme.pk), office_of(programme)


def export_run(arg: tuple[Programme, User]) -> int:
    programme, user = arg
    buffer = io.BytesIO()
    count = write_ledger_xlsx(programme, ledger_queryset(programme, user), buffer)
    return count


def plain_cells(programme: Programme, user: User) -> list[list[Any]]:
    """The export's cells as plain values (read once, outside the timing)."""
    projects = prepare_queryset(ledger_queryset(programme, user))
    return [[column.value(p) for column in COLUMNS] for p in projects]


def write_plain(rows: list[list[Any]]) -> int:
    """Baseline: openpyxl write-only, the same rows × columns, no styles."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append([column.header for column in COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return len(rows)


def sql_all_rows(programme: Programme) -> Callable[[], int]:
    """Raw SQL reading every exported value of the programme (context for the export)."""
    t = tables()

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id, p.seq, p.name, p.code, c.name, p.grade, p.stage, p.address, "
                "p.content, o.name, u.name, tf.lead_official, p.total_investment, "
                "p.annual_investment, p.completed_investment, p.planned_start, "
                "p.planned_finish, p.actual_start, p.actual_finish, p.annual_target "
                f"FROM {t['project']} p JOIN {t['category']} c ON c.id = p.category_id "
                f"LEFT JOIN {t['unit']} o ON o.id = p.owner_id "
                f"LEFT JOIN {t['unit']} u ON u.id = p.responsible_unit_id "
                f"LEFT JOIN {t['taskforce']} tf ON tf.id = p.task_force_id "
                "WHERE p.programme_id = %s AND p.archived_at IS NULL "
                "ORDER BY c.sort, c.code, p.category_id, p.seq",
                [programme.pk],
            )
            rows = cursor.fetchall()
            cursor.execute(
                f"SELECT d.{t['d_project']}, r.name FROM {t['districts']} d "
                f"JOIN {t['region']} r ON r.id = d.{t['d_region']} "
                f"JOIN {t['project']} p ON p.id = d.{t['d_project']} WHERE p.programme_id = %s",
                [programme.pk],
            )
            cursor.fetchall()
        return len(rows)

    return run


def measure_export(large: Programme, small: Programme, runs: int) -> Result:
    total = ledger_queryset(large, office_of(large)).count()
    export_bytes(small, office_of(small))  # warm up imports and caches in the parent
    app = child_runs(export_run, runs, lambda: fresh(large), label="export")
    if any(r.value != total for r in app):
        raise RuntimeError(f"the export wrote {[r.value for r in app]} projects, not {total}")
    small_run = in_child(export_run, lambda: fresh(small))
    cells = plain_cells(large, office_of(large))
    baseline = child_runs(lambda _: write_plain(cells), runs, label="export baseline")
    sql_times = timed(sql_all_rows(large), runs, 1)[0]
    result = Result(
        key="export",
        title=f"Excel export, all {total:,} projects",
        aim_ms=EXPORT_AIM_MS,
        app=[r.seconds for r in app],
        cpu=[r.cpu for r in app],
        baseline=[r.seconds for r in baseline],
        baseline_label="openpyxl write-only, same cells, no styles",
        peak_mib=max(r.peak_mib for r in app),
        baseline_peak_mib=max(r.peak_mib for r in baseline),
        memory="rss",
        queries_small=small_run.queries,
        queries_large=app[0].queries,
    )
    result.notes.append(
        f"raw SQL reading the same {total:,} rows and their districts: "
        f"{statistics.median(sql_times) * 1000:,.0f} ms (not in the baseline)"
    )
    if len(app) < runs:
        result.notes.append(f"{len(app)} run(s), over the {HEAVY_BUDGET_S} s budget")
    log(f"export: {result.median_ms:,.0f} ms (openpyxl alone {result.baseline_ms:,.0f} ms)")
    return result


# --- import ----------------------------------------------------------------------------------


def changed_copy(programme: Programme, user: User) -> bytes:
    """The ledger with every project's completed investment moved by 0.01 万元."""
    projects = list(prepare_queryset(ledger_queryset(programme, user)))
    step = Decimal("0.01")
    for p in projects:
        value = p.completed_investment
        p.completed_investment = value - step if value >= step else value + step
    return export_bytes(programme, user, projects)


def read_plain(data: bytes) -> int:
    """openpyxl read-only, every cell of the sheet as values (for comparison)."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def read_calamine(data: bytes) -> int:
    """Baseline: python-calamine (the importer's reader) alone, every cell as values."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return len(book.get_sheet_by_index(0).to_python())


def read_for_import(data: bytes) -> int:
    """The importer's reading: the bound scan, calamine, merged ranges filled."""
    return len(read_sheets(io.BytesIO(data))[0].grid())


ATTRIBUTE = {"create": "created", "update": "updated", "unchanged": "unchanged"}


class ImportTarget:
    """Fresh, empty programmes (the synth province and categories) to import into.

    Every import is committed, as in real use. At the end the target programme and the
    change records of every target programme made in this run are removed, so the bench
    database does not grow from run to run."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.programme_ids: list[int] = []
        self.programme: Programme | None = None

    def reset(self) -> None:
        built = build_synth(projects=0, seed=0, code=self.code, replace=True)
        self.programme = built.programme
        self.programme_ids.append(self.programme.pk)

    def run(self, data: bytes, expect: str, count: int) -> Run:
        """Parse and apply `data` in a child; Run.value = (parse s, apply s)."""

        def prepare() -> tuple[Programme, User]:
            return fresh(self.programme)

        def run(arg: tuple[Programme, User]) -> tuple[float, float]:
            programme, user = arg
            start = time.perf_counter()
            parsed = parse_ledger(io.BytesIO(data), programme)
            parsed_at = time.perf_counter()
            if parsed.errors:
                problems = "; ".join(map(str, parsed.errors[:5]))
                raise RuntimeError(f"the file does not parse: {problems}")
            summary = apply_ledger_import(parsed, by=user, file_name=BENCH_FILE)
            if getattr(summary, ATTRIBUTE[expect]) != count:
                raise RuntimeError(f"import expected {count} {expect}, got: {summary}")
            return parsed_at - start, time.perf_counter() - parsed_at

        return in_child(run, prepare)

    def clean_up(self) -> None:
        programme = Programme.objects.filter(code=self.code).first()
        if programme is not None:
            self.programme_ids.append(programme.pk)
            delete_programme(programme)
        try:
            ChangeRecord.objects.filter(programme_id__in=self.programme_ids).delete()
        except DatabaseError as exc:  # should the audit table ever refuse deletes
            log(f"change records of {self.code} kept: {exc}")


def sweep_leftovers() -> None:
    """What an interrupted run left behind: its target programmes, and the change records
    of target programmes that no longer exist (recognised by the benchmark's file name and
    the targets' synth seed 0)."""
    for code in (IMPORT_TARGET, f"{IMPORT_TARGET}-small"):
        ImportTarget(code).clean_up()
    live = Programme.objects.values_list("pk", flat=True)
    leftovers = ChangeRecord.objects.exclude(programme_id__in=live).filter(
        Q(reason__contains=BENCH_FILE) | Q(action="import", object_label__endswith="（合成数据 0）")
    )
    try:
        count, _ = leftovers.delete()
    except DatabaseError as exc:
        log(f"change records of earlier runs kept: {exc}")
    else:
        if count:
            log(f"removed {count:,} change records left by an interrupted run")


def import_sequence(
    target: ImportTarget, file_a: bytes, file_b: bytes, n: int, runs: int, label: str,
) -> dict[str, list[Run]]:  # fmt: skip
    """create (an empty programme each run) → update every row (files B, A, B…) →
    unchanged (the last file again)."""
    done: dict[str, list[Run]] = {"create": [], "update": [], "unchanged": []}
    errors: dict[str, str] = {}
    current = [file_a]  # the file the database now matches

    def repeat(action: str, next_file: Callable[[], bytes], before=None) -> None:
        for i in range(runs):
            if before:
                before()
            data = next_file()
            try:
                done[action].append(target.run(data, action, n))
            except ChildError as exc:  # rolled back: the database is as before
                errors[action] = exc.summary
                log(f"{label} {action} FAILED:\n{exc}")
                return
            current[0] = data
            log(f"{label} {action} run {i + 1}: {done[action][-1].seconds:,.2f} s")
            if sum(r.seconds for r in done[action]) >= HEAVY_BUDGET_S and i + 1 < runs:
                log(f"{label} {action}: stopping after {i + 1} run(s), over the budget")
                return

    repeat("create", lambda: file_a, before=target.reset)
    if errors:
        return {"done": done, "errors": errors | {"update": "not run", "unchanged": "not run"}}
    repeat("update", lambda: file_b if current[0] is file_a else file_a)
    repeat("unchanged", lambda: current[0])
    return {"done": done, "errors": errors}


def measure_import(large: Programme, small: Programme, runs: int) -> list[Result]:
    user, small_user = office_of(large), office_of(small)
    n, n_small = large.projects.count(), small.projects.count()
    file_a, file_b = export_bytes(large, user), changed_copy(large, user)
    small_a, small_b = export_bytes(small, small_user), changed_copy(small, small_user)
    log(f"import file: {len(file_a) / 2**20:.1f} MiB workbook of {n:,} projects")

    # The baseline reads the same file with the same reader the importer uses.
    baseline = child_runs(lambda _: read_calamine(file_a), runs, label="import baseline")
    importer_read = in_child(lambda _: read_for_import(file_a))
    openpyxl_read = in_child(lambda _: read_plain(file_a))
    full_load = in_child(lambda _: load_workbook_for_import(io.BytesIO(file_a)) and None)

    sweep_leftovers()
    small_target = ImportTarget(f"{IMPORT_TARGET}-small")
    large_target = ImportTarget(IMPORT_TARGET)
    try:
        small_runs = import_sequence(small_target, small_a, small_b, n_small, 1, "small")
        large_runs = import_sequence(large_target, file_a, file_b, n, runs, "import")
    finally:
        small_target.clean_up()
        large_target.clean_up()

    titles = {
        "create": f"import {n:,} rows, all new (create)",
        "update": f"import {n:,} rows, all changed (update)",
        "unchanged": f"re-import {n:,} rows, none changed",
    }
    results = []
    for action, done in large_runs["done"].items():
        if action in large_runs["errors"]:
            results.append(failed(f"import-{action}", titles[action],
                                  large_runs["errors"][action], IMPORT_AIM_MS))  # fmt: skip
            continue
        small_done = small_runs["done"][action]
        result = Result(
            key=f"import-{action}",
            title=titles[action],
            aim_ms=IMPORT_AIM_MS,
            app=[r.seconds for r in done],
            cpu=[r.cpu for r in done],
            baseline=[r.seconds for r in baseline],
            baseline_label="python-calamine reading every cell of the same file",
            peak_mib=max(r.peak_mib for r in done),
            baseline_peak_mib=max(r.peak_mib for r in baseline),
            memory="rss",
            queries_small=small_done[0].queries if small_done else None,
            queries_large=done[0].queries,
        )
        parse = statistics.median(r.value[0] for r in done)
        apply = statistics.median(r.value[1] for r in done)
        result.notes.append(
            f"parse_ledger {parse * 1000:,.0f} ms + apply_ledger_import {apply * 1000:,.0f} ms"
            f" ({apply / n * 1000:.2f} ms per row applied)"
        )
        if len(done) < runs:
            result.notes.append(f"{len(done)} run(s), over the {HEAVY_BUDGET_S} s budget")
        results.append(result)
    results[0].notes.append(
        f"reading the file as the importer does (sheet bounds scanned from the XML, "
        f"python-calamine, merged ranges filled): {importer_read.seconds * 1000:,.0f} ms, "
        f"{importer_read.peak_mib:,.0f} MiB; openpyxl read-only, every cell "
        f"{openpyxl_read.seconds * 1000:,.0f} ms; openpyxl's full load (the reader before, "
        f"for merged cells) {full_load.seconds * 1000:,.0f} ms, {full_load.peak_mib:,.0f} MiB"
    )
    return results


# --- everything ------------------------------------------------------------------------------


def run_all(
    *, large: Programme, small: Programme, runs: int, heavy_runs: int, only: set[str] | None = None
) -> list[Result]:
    """Every measure (or those named in `only`); one that raises is reported as failed and
    the others still run."""
    from coordination_cases import measure_coordination  # these import this module
    from dashboard_cases import measure_dashboards
    from reporting_cases import measure_reporting

    page, api = "ledger list page, 2 filters", "API list, 2 filters"
    cases: list[tuple[str, str, Callable[[], Result | list[Result]]]] = [
        ("list", page, lambda: measure_list("list", page, app_page, sql_page, large, small, runs)),
        ("api", api, lambda: measure_list("api", api, app_api, sql_api, large, small, runs)),
        ("export", "Excel export", lambda: measure_export(large, small, heavy_runs)),
        ("import", "import", lambda: measure_import(large, small, heavy_runs)),
        ("dashboards", "dashboard data", lambda: measure_dashboards(large, small, runs)),
        ("reporting", "reporting", lambda: measure_reporting(large, small, runs, heavy_runs)),
        ("coordination", "coordination", lambda: measure_coordination(large, small, runs)),
    ]
    results: list[Result] = []
    unknown = (only or set()) - {key for key, _, _ in cases}
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}")
    for key, title, measure in cases:
        if only and key not in only:
            continue
        try:
            outcome = measure()
        except Exception as exc:  # noqa: BLE001 - reported in BENCHMARKS.md, run goes on
            summary = exc.summary if isinstance(exc, ChildError) else f"{type(exc).__name__}: {exc}"
            log(f"{title} FAILED:\n{traceback.format_exc()}")
            outcome = failed(key, title, summary.splitlines()[0])
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results
