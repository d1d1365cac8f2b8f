from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "keyworks.dashboards"
    verbose_name = "挂图作战 / Dashboards"

    def ready(self) -> None:
        from . import tiles  # noqa: F401  (registers the tile settings check)
