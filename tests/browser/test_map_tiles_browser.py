"""Background tiles on the battle map: requested from the configured URL, drawn under
the district boundaries (Playwright serves a generated PNG for the tile URL)."""

import io
import re

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dashboards.conftest import load_world_boundaries

from .conftest import login

CHART = "#map-chart"


def tile_png() -> bytes:
    """A 256×256 tile: pale green with a grid, so the screenshot shows where tiles are."""
    image = Image.new("RGB", (256, 256), "#e3f0d8")
    draw = ImageDraw.Draw(image)
    for k in range(0, 256, 32):
        draw.line([(k, 0), (k, 255)], fill="#c2d9b0")
        draw.line([(0, k), (255, k)], fill="#c2d9b0")
    draw.rectangle([0, 0, 255, 255], outline="#8fae78", width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def serve_tiles(page, settings, live_server) -> list[str]:
    """Point the tile settings at the live server; Playwright answers with the PNG.
    Returns the list the requested tile URLs are collected in."""
    settings.KEYWORKS_MAP_TILES_URL = live_server.url + "/test-tiles/{z}/{x}/{y}.png?tk={key}"
    settings.KEYWORKS_MAP_TILES_KEY = "browser-key"
    settings.KEYWORKS_MAP_TILES_ATTRIBUTION = "© 测试底图"
    png = tile_png()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if "/test-tiles/" in r.url else None)
    page.route("**/test-tiles/**", lambda route: route.fulfill(body=png, content_type="image/png"))
    return requested


def test_map_draws_configured_tiles_under_the_districts(
    page, transactional_world, settings, live_server, screenshot
):
    world = transactional_world
    load_world_boundaries(world)
    requested = serve_tiles(page, settings, live_server)

    login(page, "leader", PASSWORD)
    page.goto("/dashboards/map/")
    chart = page.locator(CHART)
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)
    expect(chart).to_have_attribute("data-tile-count", re.compile(r"^[1-9][0-9]*$"))
    expect(chart.locator("svg image").first).to_be_attached()
    # The district names are still drawn over the tiles.
    expect(chart.locator("svg text", has_text="解放区")).to_have_count(1)
    expect(chart.locator("svg text", has_text="武陟县")).to_have_count(1)
    expect(chart.locator("svg text", has_text="© 测试底图")).to_have_count(1)
    page.wait_for_timeout(500)  # let the tile images load before the screenshot
    assert requested, "no tile was requested"
    assert all(url.endswith("?tk=browser-key") for url in requested)
    zoom = int(chart.get_attribute("data-tile-zoom"))
    assert 7 <= zoom <= 12  # a city seen whole
    assert any(f"/test-tiles/{zoom}/" in url for url in requested)
    screenshot("map-tiles")
    # A click on the map (office's 设置位置) reads the same place back under the projection.
    lng, lat = page.evaluate(
        "kwMap.tiles.fromPixel(kwMap.chart.convertToPixel({geoIndex: 0}, [113.23, 35.25]))"
    )
    assert abs(lng - 113.23) < 1e-6 and abs(lat - 35.25) < 1e-6

    # Zooming in asks for the next zoom level's tiles.
    before = len(requested)
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(4):
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(150)
    expect(chart).not_to_have_attribute("data-tile-zoom", str(zoom))
    assert len(requested) > before


def test_big_screen_draws_tiles_too(page, transactional_world, settings, live_server, screenshot):
    world = transactional_world
    load_world_boundaries(world)
    requested = serve_tiles(page, settings, live_server)
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, "leader", PASSWORD)
    page.goto("/dashboards/screen/")
    expect(page.locator("#screen[data-ready='1']")).to_have_count(1)
    expect(page.locator("#scr-map")).to_have_attribute(
        "data-tile-count", re.compile(r"^[1-9][0-9]*$")
    )
    page.wait_for_timeout(500)
    assert requested and all(url.endswith("?tk=browser-key") for url in requested)
    screenshot("screen-tiles")
