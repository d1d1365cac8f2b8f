"""Exit 0 when the test PostgreSQL server answers, 1 otherwise (used by `make test`)."""

import os
import sys

import psycopg

url = os.environ.get("KEYWORKS_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
base = url.rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(base, connect_timeout=3).close()
except psycopg.OperationalError as exc:
    print(f"PostgreSQL: {exc}".strip(), file=sys.stderr)
    sys.exit(1)
sys.exit(0)
