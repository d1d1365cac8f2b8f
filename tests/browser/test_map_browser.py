from decimal import Decimal

from playwright.sync_api import expect

from keyworks.ledger.models import Project
from tests.conftest import PASSWORD
from tests.dashboards.conftest import load_world_boundaries

from .conftest import login

CHART = "#map-chart"


def place(world):
    Project.objects.filter(pk=world.own.pk).update(
        longitude=Decimal("113.230000"), latitude=Decimal("35.250000")
    )
    Project.objects.filter(pk=world.other.pk).update(
        longitude=Decimal("113.420000"), latitude=Decimal("35.080000")
    )


def open_map(page):
    page.goto("/dashboards/map/")
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)


def click_lnglat(page, lng, lat):
    x, y = page.evaluate(f"kwMap.chart.convertToPixel({{geoIndex: 0}}, [{lng}, {lat}])")
    box = page.locator(CHART).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_map_shows_districts_filters_points_and_opens_cards(page, transactional_world, screenshot):
    world = transactional_world
    load_world_boundaries(world)
    place(world)
    login(page, "leader", PASSWORD)
    page.click("#nav-command")  # the 挂图作战 menu
    page.click(".dropdown-item:has-text('作战地图')")
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)
    chart = page.locator(CHART)
    expect(chart.locator("svg text", has_text="解放区")).to_have_count(1)
    expect(chart.locator("svg text", has_text="武陟县")).to_have_count(1)
    expect(chart).to_have_attribute("data-point-count", "2")
    screenshot("map-all-projects")

    page.select_option("#id_category", str(world.infra.pk))
    expect(chart).to_have_attribute("data-point-count", "1")
    expect(page.locator("#map-summary")).to_contain_text("1 个项目")
    page.wait_for_timeout(700)  # let the series animation settle before clicking
    click_lnglat(page, 113.42, 35.08)
    card = page.locator("#map-project-card")
    expect(card).to_contain_text(world.other.name)
    expect(card).to_contain_text("25%")
    expect(page.locator("#card-link")).to_have_attribute("href", f"/ledger/{world.other.pk}/")
    expect(page.locator("#card-locate")).to_have_count(0)  # leaders only read
    screenshot("map-filtered-with-card")

    page.select_option("#map-measure", "total")
    page.select_option("#map-colour-by", "category")
    expect(chart).to_have_attribute("data-point-count", "1")


def test_office_sets_a_location_by_clicking_the_map(page, transactional_world, screenshot):
    world = transactional_world
    load_world_boundaries(world)
    login(page, "office", PASSWORD)
    open_map(page)
    chart = page.locator(CHART)
    expect(chart).to_have_attribute("data-point-count", "0")
    expect(page.locator("#map-unplaced-count")).to_have_text("2")
    page.select_option("#map-unplaced", str(world.own.pk))
    expect(page.locator("#map-project-card")).to_contain_text(world.own.name)
    page.click("#card-locate")
    expect(page.locator("#map-locate-banner")).to_be_visible()
    click_lnglat(page, 113.24, 35.26)
    expect(page.locator("#card-location")).to_contain_text("113.2")
    expect(chart).to_have_attribute("data-point-count", "1")
    world.own.refresh_from_db()
    assert abs(world.own.longitude - Decimal("113.24")) < Decimal("0.01")
    assert abs(world.own.latitude - Decimal("35.26")) < Decimal("0.01")
    assert world.own.version == 2
    screenshot("map-location-set")
