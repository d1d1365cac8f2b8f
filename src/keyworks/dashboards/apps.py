from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DashboardsConfig(AppConfig):
    name = "keyworks.dashboards"
    verbose_name = gettext_lazy("挂图作战")

    def ready(self) -> None:
        from . import tiles  # noqa: F401  (registers the tile settings check)
