"""Two worker processes behind one load balancer show the same dashboard after a write:
the stored figures are in the database and reused bodies in the shared cache (Redis)."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.jobs.test_jobs import redis_up

ROOT = Path(__file__).resolve().parents[2]
CACHE_URL = "redis://127.0.0.1:6379/14"
WORKER = """
import json, sys
import django
django.setup()
from django.test import Client
from keyworks.orgs.models import User
client = Client()
client.force_login(User.objects.get(username=sys.argv[1]))
for line in sys.stdin:
    body = json.loads(client.get("/dashboards/map/data.json").content)
    print(json.dumps({row[0]: row[6] for row in body["p"]}), flush=True)
"""


class Worker:
    """A Django process of its own (own connection, own memory) answering map requests."""

    def __init__(self, username: str) -> None:
        db = connection.settings_dict
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgres://{db['USER']}@{host}/{db['NAME']}"
        env = {
            **os.environ,
            "KEYWORKS_DATABASE_URL": url,
            "KEYWORKS_CACHE_URL": CACHE_URL,
            "KEYWORKS_MEASURES_CACHE": "true",
            "KEYWORKS_DEBUG": "true",
            "KEYWORKS_ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "keyworks.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, username],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def totals(self) -> dict:
        self.process.stdin.write("get\n")
        self.process.stdin.flush()
        return {int(k): v for k, v in json.loads(self.process.stdout.readline()).items()}

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="other processes cannot open the tests' in-memory SQLite database",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_show_the_same_map_after_a_write(settings):
    from django.core.cache import cache

    from keyworks.ledger import services as ledger_services
    from tests.conftest import build_world

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
    settings.MEASURES_CACHE = True
    cache.clear()
    world = build_world()
    first, second = Worker(world.office.username), Worker(world.office.username)
    try:
        assert first.totals()[world.own.pk] == second.totals()[world.own.pk] == 10000
        assert first.totals() == second.totals()  # both now answer from what they reused
        ledger_services.update_project(
            world.own, {"total_investment": Decimal("12345")}, by=world.office,
            expected_version=world.own.version,
        )  # fmt: skip
        assert first.totals()[world.own.pk] == second.totals()[world.own.pk] == 12345
    finally:
        first.stop()
        second.stop()
        cache.clear()
