"""Automatic escalation as a scheduled job (celery beat; `keyworks escalate` by cron does
the same)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="keyworks.coordination.escalate", ignore_result=True)
def escalate() -> None:
    call_command("escalate")
