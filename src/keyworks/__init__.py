"""keyworks — 重点项目指挥调度平台 (key-project programme office platform)."""

# Celery's application, so that @shared_task functions bind to it (Celery's Django layout).
from .celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
