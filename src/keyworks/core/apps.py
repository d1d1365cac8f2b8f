from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "keyworks.core"
    verbose_name = gettext_lazy("核心")

    def ready(self) -> None:
        # Every app's permission rules register their restricted querysets
        # (core.permissions.restriction), and its providers for the extension points of
        # the apps below it (core.extensions), when their modules are imported.
        autodiscover_modules("permissions")
        autodiscover_modules("extensions")
        from . import checks  # noqa: F401  (registers the deployment checks)
