"""The deadline-day load test: many people at once on a province-scale programme.

A programme of 10,000 projects with 11 months of accepted reports and 30,000 problems
(`keyworks synth --seed 3 --months 11 --problems 30000`, built once in the bench
database) is served by gunicorn with 2 × cores + 1 sync workers on 127.0.0.1. Then, for
`--duration` seconds, `--users` simulated people work at once, each waiting 2.5–7.5 s
between steps:

- three in four are task forces filing December's report for their own project: open the
  project page, start the report (`POST /api/reports`), save it with its `version`
  (`PATCH /api/reports/{id}`, a figure unique to that save), submit it; once submitted,
  they read their project page and the report again;
- the rest are the office and the leaders: the ledger list page with two filters and the
  command dashboard's data.

Afterwards the database is checked: every save the server acknowledged (2xx) is the
stored state of its report or was followed by a later acknowledged save, each exactly
once in the change log, and no save that failed or was cut off left its figure behind.

    .venv/bin/python bench/load.py [--database-url URL] [--users 200] [--duration 120]
                                   [--projects 10000] [--workers N] [--write]

Only loopback addresses are used. `--write` puts the figures into BENCHMARKS.md (the
"Deadline-day load test" section); otherwise they are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path

import run  # bench/run.py: the bench database, its lock and Django set-up

ROOT = run.ROOT
SEED, MONTHS, PROBLEMS_PER_PROJECT = 3, 11, 3
MONTH = "2025-12"  # the month being reported: synth programmes are in 2025
THINK = (2.5, 7.5)
SECTION = "## Deadline-day load test"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/keyworks_bench",
        help="PostgreSQL database (created if missing)",
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--cache-url", default="redis://127.0.0.1:6379/3", help="KEYWORKS_CACHE_URL of the server"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=SEED, help="synth programme seed")
    parser.add_argument("--write", action="store_true", help="write the BENCHMARKS.md section")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the load test runs on PostgreSQL (--database-url postgres://…)")
    return args


# --- the data ------------------------------------------------------------------------


def prepare(args) -> dict:
    """The synth programme (built once), December's reports removed so every run files
    them afresh, and the people who will take part."""
    from django.core.management import call_command

    from keyworks.demo.synth import build_synth
    from keyworks.ledger.models import Category, Programme, Project
    from keyworks.reporting.figures import mark_programme_stale
    from keyworks.reporting.models import MonthlyReport

    call_command("migrate", verbosity=0, interactive=False)
    code = f"synth-{args.seed}"
    programme = Programme.objects.filter(code=code).first()
    if programme is None or programme.projects.count() != args.projects:
        print(f"building {code}: {args.projects} projects, {MONTHS} months…", flush=True)
        programme = build_synth(
            projects=args.projects,
            seed=args.seed,
            replace=True,
            months=MONTHS,
            problems=args.projects * PROBLEMS_PER_PROJECT,
        ).programme
        run_sql("ANALYZE")
    december = MonthlyReport.objects.filter(project__programme=programme, month=f"{MONTH}-01")
    december._raw_delete(december.db)  # reports only; their change records stay as history
    mark_programme_stale(programme)  # written behind the services: its stored figures too
    task_forces = max(1, args.users * 3 // 4)
    projects = list(
        Project.objects.filter(programme=programme)
        .order_by("seq")
        .values_list("pk", "seq")[:task_forces]
    )
    category = Category.objects.filter(programme=programme).order_by("sort").first()
    return {
        "programme": programme,
        "projects": projects,  # (pk, seq): the account is <code>-tf<seq:05d>
        "category": category.pk,
        "office_users": args.users - len(projects),
    }


def run_sql(statement: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)


def tokens_for(programme, projects) -> dict[int, str]:
    """A personal API token for each task force taking part, by project id."""
    from keyworks.orgs.models import User
    from keyworks.people.services import create_token

    users = {
        u.username: u for u in User.objects.filter(username__startswith=f"{programme.code}-tf")
    }
    tokens = {}
    for pk, seq in projects:
        user = users[f"{programme.code}-tf{seq:05d}"]
        tokens[pk] = create_token(user, "load test", by=user)[1]
    return tokens


# --- the server ----------------------------------------------------------------------


def data_key_hex() -> str:
    from keyworks.core.crypto import data_key

    return data_key().hex()


def start_server(args, url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "KEYWORKS_DATABASE_URL": url,
        "KEYWORKS_DEBUG": "false",
        "KEYWORKS_SECRET_KEY": "load-test-key-not-secret-" + "x" * 40,
        # The personal data of the programme was encrypted by this process (which built
        # it): the server must read it with the same key.
        "KEYWORKS_DATA_KEY": data_key_hex(),
        "KEYWORKS_ALLOWED_HOSTS": "127.0.0.1",
        "KEYWORKS_SECURE_COOKIES": "false",
        "KEYWORKS_VAR_DIR": str(run.BENCH_VAR),
        # Several workers: reused results must be shared (audit.revisions).
        "KEYWORKS_CACHE_URL": args.cache_url,
        # Every simulated person signs in from 127.0.0.1: the per-address sign-in limit
        # (20 a minute by default) is for attackers, not for a room of 200 colleagues.
        "KEYWORKS_SIGN_IN_RATE": "100000/m",
        "DJANGO_SETTINGS_MODULE": "keyworks.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "keyworks.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    import httpx

    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{args.port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


# --- the people ----------------------------------------------------------------------


@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # report id -> [(figure, acknowledged)] in the order the saves were sent
    saves: dict[int, list[tuple[Decimal, bool]]] = field(default_factory=lambda: defaultdict(list))

    def record(self, name: str, started: float, response=None, error: str | None = None):
        self.timings[name].append(time.monotonic() - started)
        if error is None and response is not None and response.status_code >= 400:
            error = f"{response.status_code} {response.text[:120]}"
        if error is not None:
            self.errors[name].append(error)


async def think(stop_at: float) -> bool:
    pause = random.uniform(*THINK)
    if time.monotonic() + pause >= stop_at:
        return False
    await asyncio.sleep(pause)
    return True


# Sessions signed in before the clock starts (`sign_in_everyone`), by user name.
SESSIONS: dict = {}


async def login(client, username: str, password: str) -> None:
    """Sign `client` in: with the session opened before the run when there is one."""
    if username in SESSIONS:
        client.cookies.update(SESSIONS[username])
        return
    page = await client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": str(client.base_url) + "/login/"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {response.status_code}")


async def request(tally: Tally, name: str, call):
    """Await the request coroutine `call`, timing it and counting a failure as an error."""
    started = time.monotonic()
    try:
        response = await call
    except Exception as exc:  # a timeout or a dropped connection is an error, not a crash
        tally.record(name, started, error=f"{type(exc).__name__}: {exc}"[:160])
        return None
    tally.record(name, started, response)
    return response


async def task_force(base, username, password, project_pk, token, tally, counter, stop_at):
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False) as client:
        await login(client, username, password)
        api = {"Authorization": f"Bearer {token}"}
        report = None
        submitted = False
        while True:
            await request(tally, "project page", client.get(f"/ledger/{project_pk}/"))
            if not await think(stop_at):
                return
            if report is None:
                response = await request(
                    tally,
                    "start report (API)",
                    client.post(
                        "/api/reports", json={"project": project_pk, "month": MONTH}, headers=api
                    ),
                )
                if response is not None and response.status_code in (200, 201):
                    report = response.json()
                if not await think(stop_at):
                    return
                continue
            if not submitted:
                counter[0] += 1
                figure = Decimal(counter[0]) / 100 + Decimal("1000.00")
                saves = tally.saves[report["id"]]
                saves.append((figure, False))
                body = {
                    "version": report["version"],
                    "completed_this_month": f"{figure:.2f}",
                    "progress_text": f"主体施工，完成工程量{counter[0]}",
                }
                response = await request(
                    tally,
                    "save report (API)",
                    client.patch(f"/api/reports/{report['id']}", json=body, headers=api),
                )
                if response is not None and response.status_code == 200:
                    saves[-1] = (figure, True)
                    report = response.json()
                    if not await think(stop_at):
                        return
                    response = await request(
                        tally,
                        "submit report (API)",
                        client.post(f"/api/reports/{report['id']}/submit", headers=api),
                    )
                    submitted = response is not None and response.status_code == 200
                elif response is not None and response.status_code == 409:
                    fresh = await client.get(f"/api/reports/{report['id']}", headers=api)
                    report = fresh.json() if fresh.status_code == 200 else report
            else:
                await request(
                    tally,
                    "read report (API)",
                    client.get(f"/api/reports/{report['id']}", headers=api),
                )
            if not await think(stop_at):
                return


async def office(base, username, password, programme_code, category, tally, stop_at):
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False) as client:
        await login(client, username, password)
        ledger = f"/ledger/?programme={programme_code}&stage=construction&category={category}"
        dashboard = f"/dashboards/command/data.json?programme={programme_code}"
        while True:
            await request(tally, "ledger list page", client.get(ledger))
            if not await think(stop_at):
                return
            await request(tally, "dashboard data", client.get(dashboard))
            if not await think(stop_at):
                return


async def sign_in_everyone(base, usernames, password, workers: int) -> None:
    """Untimed: everyone signs in before the run, as they have by mid-morning (a session
    lasts the working day). A sign-in costs the server ~0.4 s of CPU by design (PBKDF2);
    200 of them inside the run's first twelve seconds would be a different test."""
    import httpx

    gate = asyncio.Semaphore(workers)

    async def one(username):
        async with gate, httpx.AsyncClient(base_url=base, timeout=120) as client:
            await login(client, username, password)
            SESSIONS[username] = httpx.Cookies(client.cookies)

    await asyncio.gather(*(one(u) for u in sorted(set(usernames))))


async def warm_up(base, code, category, password, workers: int) -> None:
    """Untimed: every page of the run, several times over as many connections as there are
    workers, so each worker has served each once (imports, its snapshot of the month). A
    worker starting is not part of deadline day; what follows a save is."""
    import httpx

    pages = [
        f"/ledger/?programme={code}&stage=construction&category={category}",
        f"/dashboards/command/data.json?programme={code}",
        f"/dashboards/?programme={code}",
    ]
    async with httpx.AsyncClient(base_url=base, timeout=120, follow_redirects=False) as client:
        await login(client, f"{code}-office", password)
        for _round in range(3):
            for page in pages:
                await asyncio.gather(*(client.get(page) for _ in range(workers * 2)))


async def load(args, data, tokens, password) -> tuple[Tally, float]:
    base = f"http://127.0.0.1:{args.port}"
    code = data["programme"].code
    usernames = [f"{code}-tf{seq:05d}" for _pk, seq in data["projects"]]
    usernames += [f"{code}-office", f"{code}-leader"]
    await sign_in_everyone(base, usernames, password, args.workers)
    await warm_up(base, code, data["category"], password, args.workers)
    tally = Tally()
    counter = [0]
    people = []
    for pk, seq in data["projects"]:
        username = f"{code}-tf{seq:05d}"
        people.append(partial(task_force, base, username, password, pk, tokens[pk], tally, counter))
    for n in range(data["office_users"]):
        username = f"{code}-office" if n % 2 == 0 else f"{code}-leader"
        people.append(partial(office, base, username, password, code, data["category"], tally))
    random.shuffle(people)
    started = time.monotonic()
    stop_at = started + args.duration
    # People arrive over the first tenth of the run, as they would after a reminder.
    tasks = []
    for n, person in enumerate(people):
        delay = args.duration / 10 * n / max(1, len(people))
        tasks.append(asyncio.create_task(after(delay, person, stop_at)))
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            tally.errors["person"].append(f"{type(result).__name__}: {result}"[:160])
    return tally, time.monotonic() - started


async def after(delay, person, stop_at):
    await asyncio.sleep(delay)
    await person(stop_at)


# --- the check -----------------------------------------------------------------------


def check(tally: Tally) -> dict:
    """Compare what the server acknowledged with what the database holds."""
    from keyworks.audit.models import ChangeRecord
    from keyworks.reporting.models import MonthlyReport

    ids = list(tally.saves)
    stored = {r.pk: r.completed_this_month for r in MonthlyReport.objects.filter(pk__in=ids)}
    logged = defaultdict(list)
    for object_id, after in ChangeRecord.objects.filter(
        object_type="reporting.monthlyreport", object_id__in=[str(i) for i in ids],
        action="update",
    ).values_list("object_id", "after"):  # fmt: skip
        value = (after or {}).get("completed_this_month")
        if value is not None:
            logged[int(object_id)].append(Decimal(str(value)))
    lost = duplicated = unacknowledged = 0
    for report_id, saves in tally.saves.items():
        acknowledged = [figure for figure, ok in saves if ok]
        failed = {figure for figure, ok in saves if not ok}
        if acknowledged and stored.get(report_id) != acknowledged[-1]:
            lost += 1
        for figure in acknowledged:
            count = logged[report_id].count(figure)
            lost += count == 0
            duplicated += count > 1
        unacknowledged += sum(1 for figure in logged[report_id] if figure in failed)
        unacknowledged += stored.get(report_id) in failed
    return {
        "reports": len(ids),
        "acknowledged saves": sum(ok for saves in tally.saves.values() for _f, ok in saves),
        "lost": lost,
        "duplicated": duplicated,
        "unacknowledged but stored": unacknowledged,
    }


# --- the report ----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def section(args, tally: Tally, seconds: float, verdict: dict, command: str) -> str:
    rows = []
    total = errors = 0
    worst_p95 = 0.0
    for name, values in sorted(tally.timings.items()):
        failed = len(tally.errors.get(name, []))
        total += len(values)
        errors += failed
        p95 = percentile(values, 0.95)
        worst_p95 = max(worst_p95, p95)
        rows.append(
            f"| {name} | {len(values)} | {failed} | {statistics.median(values) * 1000:,.0f} | "
            f"{p95 * 1000:,.0f} | {percentile(values, 0.99) * 1000:,.0f} | "
            f"{max(values) * 1000:,.0f} |"
        )
    # Errors outside an endpoint (a person who could not sign in or start) count too, and a
    # run that served nothing meets nothing.
    errors += sum(len(errs) for name, errs in tally.errors.items() if name not in tally.timings)
    met = total > 0 and worst_p95 < 1.0 and errors == 0 and verdict["lost"] == 0
    met = met and verdict["duplicated"] == 0 and verdict["unacknowledged but stored"] == 0
    sample = [e for errs in tally.errors.values() for e in errs][:5]
    lines = [
        SECTION,
        "",
        f"Command: {command}. After everyone has signed in and an untimed warm-up (each "
        f"page served by every worker), "
        f"{args.users} people ({len(tally.saves)} task forces filing, "
        f"the rest office and leaders), think time {THINK[0]}–{THINK[1]} s, "
        f"{args.duration:.0f} s, gunicorn with {args.workers} sync workers on "
        f"{os.cpu_count()} cores, PostgreSQL, {args.projects:,} projects "
        f"({MONTHS} months of reports, {args.projects * PROBLEMS_PER_PROJECT:,} problems). "
        f"{total:,} requests in {seconds:.0f} s ({total / seconds:.1f}/s).",
        "",
        "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Saves checked against the database: "
        + ", ".join(f"{k} {v:,}" for k, v in verdict.items())
        + ".",
        "",
        f"Aim: p95 < 1 s for every endpoint, 0 errors, 0 lost — "
        f"**{'met' if met else 'missed'}** (worst p95 {worst_p95 * 1000:,.0f} ms, "
        f"{errors} errors).",
    ]
    if sample:
        lines += ["", "First errors: " + "; ".join(f"`{e}`" for e in sample)]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace the load test's own section of BENCHMARKS.md (between its markers, which
    `bench/run.py` keeps when it rewrites the file)."""
    import report

    marked = f"<!-- bench:load:start -->\n{text.rstrip()}\n<!-- bench:load:end -->\n"
    report.update_file(path, report.Section("load", marked))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    _lock = run.one_at_a_time()
    url = run.configure(argparse.Namespace(database_url=args.database_url))
    from django.conf import settings

    data = prepare(args)
    tokens = tokens_for(data["programme"], data["projects"])
    from django.db import connections

    connections.close_all()  # the server and the check use their own connections
    server = start_server(args, url)
    try:
        tally, seconds = asyncio.run(load(args, data, tokens, settings.DEMO_PASSWORD))
    finally:
        stop_server(server)
    verdict = check(tally)
    command = "`" + " ".join([".venv/bin/python", "bench/load.py", *run.redact_args(argv)]) + "`"
    text = section(args, tally, seconds, verdict, command)
    print(text)
    if args.write:
        write_section(ROOT / "BENCHMARKS.md", text)
        print("wrote BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
