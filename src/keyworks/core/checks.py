"""Deployment checks of keyworks' own settings (`keyworks check --deploy`)."""

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Reused dashboard data is only right across workers when the cache is shared."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                _(
                    "缓存为单进程内存缓存：多个工作进程或多台服务器时，各进程的看板数据可能"
                    "不一致。请设置 KEYWORKS_CACHE_URL=redis://…"
                ),
                id="keyworks.W010",
            )
        ]
    return []
