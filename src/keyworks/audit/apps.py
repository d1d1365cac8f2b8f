from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AuditConfig(AppConfig):
    name = "keyworks.audit"
    verbose_name = gettext_lazy("审计")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (sign-in, sign-out and failed sign-in events)
