"""The daily reminder digest as a scheduled job (celery beat; `keyworks remind` by cron
does the same)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="keyworks.reminders.remind", ignore_result=True)
def remind() -> None:
    call_command("remind")
