"""Optional background tiles: configured per deployment, off by default."""

import json
import re

import pytest
from django.core import checks

from keyworks.dashboards import services, tiles

MAP = "/dashboards/map/"
SCREEN = "/dashboards/screen/"
TIANDITU = (
    "https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)


def tile_config(html: str) -> dict | None:
    found = re.search(r'<script id="kw-map-tiles" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def tiles_on(settings):
    settings.KEYWORKS_MAP_TILES_URL = TIANDITU
    settings.KEYWORKS_MAP_TILES_KEY = "abc&123"
    settings.KEYWORKS_MAP_TILES_ATTRIBUTION = "© 天地图"
    return settings


def pages(world) -> list[str]:
    _link, token = services.create_screen_link(world.programme, "会议室", by=world.office)
    client = world.client(world.leader)
    return [
        client.get(MAP).content.decode(),
        client.get(SCREEN).content.decode(),
        world.client(None).get(f"/dashboards/screen/{token}/").content.decode(),
    ]


def test_no_tiles_unless_configured(world, settings):
    settings.KEYWORKS_MAP_TILES_URL = ""
    settings.KEYWORKS_MAP_TILES_KEY = "secret-key"
    assert tiles.tiles_config() is None
    for html in pages(world):
        assert "kw-map-tiles" not in html
        assert "tiles.js" not in html
        assert "secret-key" not in html


def test_map_and_screen_carry_the_tile_config_when_set(world, tiles_on):
    for html in pages(world):
        config = tile_config(html)
        assert config == {
            "url": TIANDITU.replace("{key}", "abc%26123"),  # the key, URL-encoded
            "attribution": "© 天地图",
        }
        assert "dashboards/tiles.js" in html
        # The tiles script comes before the map script that uses it.
        assert html.index("dashboards/tiles.js") < max(
            html.find("dashboards/map.js"), html.find("dashboards/screen.js")
        )


def test_the_key_may_come_from_a_file(world, settings, tmp_path, monkeypatch):
    from keyworks.settings import env

    secret = tmp_path / "tiles_key"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("KEYWORKS_MAP_TILES_KEY_FILE", str(secret))
    assert env("MAP_TILES_KEY") == "from-file"


def test_settings_check(settings):
    settings.KEYWORKS_MAP_TILES_URL = ""
    assert tiles.check_tiles_settings() == []
    settings.KEYWORKS_MAP_TILES_URL = "https://tiles.example.cn/{z}/{x}.png"
    assert [m.id for m in tiles.check_tiles_settings()] == ["keyworks.dashboards.E001"]
    settings.KEYWORKS_MAP_TILES_URL = "ftp://tiles.example.cn/{z}/{x}/{y}.png"
    assert [m.id for m in tiles.check_tiles_settings()] == ["keyworks.dashboards.E001"]
    settings.KEYWORKS_MAP_TILES_URL = TIANDITU
    settings.KEYWORKS_MAP_TILES_KEY = ""
    assert [m.id for m in tiles.check_tiles_settings()] == ["keyworks.dashboards.W001"]
    settings.KEYWORKS_MAP_TILES_KEY = "k"
    assert tiles.check_tiles_settings() == []
    assert tiles.check_tiles_settings in checks.registry.registry.get_checks()
