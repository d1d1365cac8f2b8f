from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "keyworks.reporting"

    def ready(self) -> None:
        from . import figures  # noqa: F401  (connects the stale marks to the change log)
