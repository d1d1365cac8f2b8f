"""Background jobs: submitted in a request, run after it commits (in-process without a
broker, on a Celery worker with Redis), followed on their page, their file fetched by the
person who asked for it only."""

import socket
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from keyworks.celery import app
from keyworks.jobs.models import Job, JobStatus
from keyworks.jobs.registry import job
from keyworks.jobs.services import submit


@job("test.count", title="数到 N")
def count_to(run, *, n: int) -> dict:
    for i in range(n):
        run.progress(100 * i // n, f"第 {i} 步")
    run.save_file("count.txt", "\n".join(str(i) for i in range(n)).encode())
    return {"summary": f"共 {n} 步"}


@job("test.fail", title="会失败的任务")
def fail(run) -> None:
    raise ValidationError("第 3 行：请填写项目名称")


def test_a_job_runs_after_its_transaction_and_is_followed_on_its_page(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queued = submit("test.count", by=world.office, n=5)
        assert Job.objects.get(pk=queued.pk).status == JobStatus.QUEUED
    done = Job.objects.get(pk=queued.pk)
    assert (done.status, done.progress, done.result["summary"]) == ("done", 100, "共 5 步")
    client = world.client(world.office)
    page = client.get(reverse("jobs:job", args=[done.pk]))
    assert "共 5 步" in page.content.decode() and "hx-trigger" not in page.content.decode()
    response = client.get(reverse("jobs:file", args=[done.pk]))
    assert b"".join(response.streaming_content).startswith(b"0\n1")
    assert world.client(world.leader).get(reverse("jobs:file", args=[done.pk])).status_code == 404


def test_a_running_job_page_polls_until_it_ends(world):
    queued = submit("test.count", by=world.office, n=3)  # not committed: still queued
    page = world.client(world.office).get(reverse("jobs:job", args=[queued.pk]))
    assert 'hx-trigger="every 1s"' in page.content.decode()
    page = world.client(world.office).get(
        reverse("jobs:job", args=[queued.pk]), headers={"accept-language": "en"}
    )
    assert "Queued" in page.content.decode() and "排队中" not in page.content.decode()


def test_a_failing_job_says_why(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        failed = submit("test.fail", by=world.office)
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED and "请填写项目名称" in failed.message


def use_broker(url: str, *, eager: bool) -> None:
    """Point the app at another broker, dropping connections made for the previous one."""
    app.conf.update(broker_url=url, task_always_eager=eager)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a worker thread and the test share SQLite's in-memory database, which locks whole "
    "tables; production runs workers on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_job_runs_on_a_celery_worker_through_redis(settings):
    from celery.contrib.testing.worker import start_worker

    from tests.conftest import build_world

    world = build_world()
    use_broker("redis://127.0.0.1:6379/15", eager=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            queued = submit("test.count", by=world.office, n=4)
            for _ in range(100):
                if Job.objects.get(pk=queued.pk).finished:
                    break
                time.sleep(0.1)
    finally:
        use_broker("memory://", eager=True)
    assert Job.objects.get(pk=queued.pk).status == JobStatus.DONE
