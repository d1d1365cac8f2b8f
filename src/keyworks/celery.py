"""The Celery application: background jobs (jobs.services) and the daily schedule.

With `KEYWORKS_BROKER_URL` (e.g. redis://127.0.0.1:6379/2) jobs go to a broker and run in
`celery -A keyworks worker`, the schedule in `celery -A keyworks beat`. Without it (the
embedded default, `make demo`) every job runs in the process that submits it, right
after its transaction commits: nothing more to start."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyworks.settings")

app = Celery("keyworks")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
