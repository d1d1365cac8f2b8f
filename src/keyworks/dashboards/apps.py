from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "keyworks.dashboards"
    verbose_name = "挂图作战 / Dashboards"
