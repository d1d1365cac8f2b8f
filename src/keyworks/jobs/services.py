"""Submitting and running background jobs."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import Job, JobStatus
from .registry import Run, kind

log = logging.getLogger(__name__)


def submit(name: str, *, by, programme_id: int | None = None, title: str = "", **params) -> Job:
    """Queue a job of kind `name`; it starts once the current transaction commits (on the
    broker's worker, or right here without a broker)."""
    from .jobs import run_job

    registered = kind(name)
    job = Job.objects.create(
        kind=name,
        title=(title or registered.title)[:200],
        params=params,
        created_by=by if getattr(by, "pk", None) else None,
        programme_id=programme_id,
    )
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def run(job_id: int) -> None:
    """Run one queued job to its end, recording success or failure."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # already taken by another worker, or gone
    job = Job.objects.get(pk=job_id)
    try:
        result = kind(job.kind).function(Run(job), **job.params) or {}
    except Exception as exc:  # the job failed: say so on its page, keep the worker alive
        log.exception("job %s (%s) failed", job.pk, job.kind)
        message = (
            getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc)
        )
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=message[:300]
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, progress=100, finished_at=timezone.now(), result=result
    )
