from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "keyworks.audit"
    verbose_name = "审计 / Audit"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (sign-in, sign-out and failed sign-in events)
