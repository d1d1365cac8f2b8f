from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "keyworks.jobs"
    verbose_name = "后台任务 / Background jobs"

    def ready(self) -> None:
        # Each app declares its kinds of job in its jobs.py (jobs.registry.job).
        autodiscover_modules("jobs")
