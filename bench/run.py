"""`make bench`: time the ledger at 10,000 projects against plain baselines.

Builds (once, then reuses) a 10,000-project programme with `keyworks synth --seed 1` and a
100-project one (`--seed 2`) in a database of its own (SQLite under var/bench/ unless
`--database-url` names another, e.g. PostgreSQL), then measures, as median time and peak
Python memory:

- the ledger list page with two filters (category + stage), through Django's test client;
- the API list endpoint with the same filters;
- the Excel export of all 10,000 projects (`write_ledger_xlsx`);
- the import of a 10,000-row ledger workbook (`parse_ledger` + `apply_ledger_import`):
  creating 10,000 projects, updating all of them, and re-importing an unchanged file;
- the dashboard data endpoints (`bench/dashboard_cases.py`): command dashboard, battle
  map (with its payload size) and schedule chart, each beside raw SQL for the same
  figures, with query counts at 100 and 10,000 projects;
- the reporting cases (`bench/reporting_cases.py`) on 12 months of accepted reports: the
  month's summary page and its Excel export, and the measures for the whole programme;
- the coordination cases (`bench/coordination_cases.py`) on 3 problems per project with
  their handling history: the problem list with two filters, the same list as of one year
  back, the dispatch agenda compilation and the Nov–Dec ranking computation, each beside
  raw SQL, with query counts at 100 and 10,000 projects.

Beside each, a baseline measured in the same run (raw SQL for the same page; openpyxl
writing / reading the same cells outside the app) so the ratio shows the app's overhead.
The figures go into BENCHMARKS.md, one section per database vendor (re-running on one
database replaces only its section).

    .venv/bin/python bench/run.py [--database-url URL] [--rebuild] [--runs N] [--no-write]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = f"sqlite:///{BENCH_VAR / 'bench.sqlite3'}"
LARGE, LARGE_SEED = 10_000, 1
SMALL, SMALL_SEED = 100, 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="database to run on (default: SQLite in var/bench/); a missing PostgreSQL "
        "database is created",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the synthetic programmes even if present"
    )
    parser.add_argument(
        "--runs", type=int, default=15, help="timed runs of the list page and API (default 15)"
    )
    parser.add_argument(
        "--heavy-runs", type=int, default=3, help="timed runs of export and import (default 3)"
    )
    parser.add_argument(
        "--projects", type=int, default=LARGE, help=f"size of the large set (default {LARGE})"
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "BENCHMARKS.md", help="report file to update"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the report section, do not write the file"
    )
    parser.add_argument(
        "--only",
        help="comma-separated cases to run (list, api, export, import, dashboards, reporting, "
        "coordination); implies --no-write, as the report needs every case",
    )
    args = parser.parse_args(argv)
    args.only = set(args.only.split(",")) if args.only else None
    if args.only:
        args.no_write = True
    return args


def redact(url: str) -> str:
    """The URL without its password, for the report."""
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@", 1) if password else url


def ensure_postgres_database(url: str) -> None:
    """Create the database named in a PostgreSQL URL if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created PostgreSQL database {name}")


def one_at_a_time():
    """Hold var/bench/run.lock: two benchmark runs at once would share the CPU (and, on one
    database, the import's target programme). A second run waits for the first."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    lock = open(BENCH_VAR / "run.lock", "w")  # kept open: the lock lasts as long as the run
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another benchmark run is in progress; waiting for it to finish…", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def configure(args: argparse.Namespace) -> str:
    """Point the settings at the bench database and start Django; return the URL used."""
    url = args.database_url or DEFAULT_DATABASE_URL
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    # Never the developer's own database, whatever the environment says.
    os.environ["KEYWORKS_DATABASE_URL"] = url
    os.environ["KEYWORKS_VAR_DIR"] = str(BENCH_VAR)
    os.environ["KEYWORKS_DEBUG"] = "false"  # DEBUG keeps every query in memory
    os.environ["KEYWORKS_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "keyworks.settings"
    sys.path.insert(0, str(ROOT / "src"))
    from keyworks.bootstrap import DEVELOPMENT_SECRET_KEY

    # The settings refuse to start without a key: the bench sets its own, the key its
    # database was always built with (contacts are encrypted with a key derived from it).
    os.environ["KEYWORKS_SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
    import django

    django.setup()
    return url


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    _lock = one_at_a_time()  # held (and released) with the process
    # `kill` ends the run through SystemExit, so the import targets are still cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.monotonic()
    load_at_start = os.getloadavg()[0]
    url = configure(args)

    import cases
    import report
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    built = [
        (size, seed, cases.ensure_synth(size, seed, rebuild=args.rebuild))
        for size, seed in ((args.projects, LARGE_SEED), (SMALL, SMALL_SEED))
    ]
    cases.analyze()
    results = cases.run_all(
        large=built[0][2].programme,
        small=built[1][2].programme,
        runs=args.runs,
        heavy_runs=args.heavy_runs,
        only=args.only,
    )
    command = "`" + " ".join([".venv/bin/python", "bench/run.py", *redact_args(argv)]) + "`"
    if not argv:
        command = f"`make bench` ({command})"
    section = report.section(
        results,
        command=command,
        database_url=redact(url).replace(f"///{ROOT}/", "///"),
        builds=built,
        seconds=time.monotonic() - started,
        load=(load_at_start, os.getloadavg()[0]),
        runs=(args.runs, args.heavy_runs),
    )
    print(section.text)
    if not args.no_write:
        report.update_file(args.output, section)
        print(f"wrote {args.output}")
    return 1 if any(r.error for r in results) else 0


def redact_args(args: list[str]) -> list[str]:
    out = []
    for arg in args:
        if "://" in arg:
            prefix, _, value = arg.partition("=") if arg.startswith("--") else ("", "", arg)
            arg = f"{prefix}={redact(value)}" if prefix else redact(value)
        out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main())
