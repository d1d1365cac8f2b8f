"""Optional background map tiles under the battle map and the big screen.

Off unless the deployment sets `KEYWORKS_MAP_TILES_URL`: an XYZ template with `{z}`,
`{x}`, `{y}` (Web Mercator tiles, e.g. 天地图 WMTS addressed as XYZ) and optionally
`{key}`, filled from `KEYWORKS_MAP_TILES_KEY` (or `_FILE`). The browser fetches the
tiles itself, so the filled-in URL (with the key) is in the page: that is how browser
keys of tile services work (restrict the key by domain at the provider). It is never
logged here; `static/dashboards/tiles.js` draws the tiles.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

PLACEHOLDERS = ("{z}", "{x}", "{y}")
SCHEMES = ("https://", "http://", "//", "/")


def tiles_config() -> dict | None:
    """What the page's script needs ({"url", "attribution"}), or None when tiles are off."""
    url = (settings.KEYWORKS_MAP_TILES_URL or "").strip()
    if not url:
        return None
    key = quote((settings.KEYWORKS_MAP_TILES_KEY or "").strip(), safe="")
    return {
        "url": url.replace("{key}", key),
        "attribution": settings.KEYWORKS_MAP_TILES_ATTRIBUTION or "",
    }


@checks.register(checks.Tags.compatibility)
def check_tiles_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A tile URL without its placeholders or scheme would only draw broken images."""
    url = (settings.KEYWORKS_MAP_TILES_URL or "").strip()
    if not url:
        return []
    problems = []
    missing = [p for p in PLACEHOLDERS if p not in url]
    if missing or not url.startswith(SCHEMES):
        problems.append(
            checks.Error(
                _("KEYWORKS_MAP_TILES_URL 须为 http(s) 地址并含 {z} {x} {y}"),
                id="keyworks.dashboards.E001",
            )
        )
    if "{key}" in url and not (settings.KEYWORKS_MAP_TILES_KEY or "").strip():
        problems.append(
            checks.Warning(
                _("KEYWORKS_MAP_TILES_URL 含 {key} 但未设置 KEYWORKS_MAP_TILES_KEY"),
                id="keyworks.dashboards.W001",
            )
        )
    return problems
