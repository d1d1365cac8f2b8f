from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy


class JobsConfig(AppConfig):
    name = "keyworks.jobs"
    verbose_name = gettext_lazy("后台任务")

    def ready(self) -> None:
        # Each app declares its kinds of job in its jobs.py (jobs.registry.job).
        autodiscover_modules("jobs")
