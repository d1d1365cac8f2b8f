from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "keyworks.core"
    verbose_name = "核心 / Core"

    def ready(self) -> None:
        # Every app's permission rules register their restricted querysets
        # (core.permissions.restriction) when their module is imported.
        autodiscover_modules("permissions")
