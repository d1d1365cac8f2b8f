"""The Celery task every job runs through (discovered by keyworks.celery)."""

from celery import shared_task

from . import services


@shared_task(name="keyworks.jobs.run_job", ignore_result=True)
def run_job(job_id: int) -> None:
    services.run(job_id)
