from playwright.sync_api import expect

from keyworks.ledger.models import Milestone
from tests.conftest import PASSWORD
from tests.dashboards.test_schedule import with_milestones

from .conftest import login

CHART = "#schedule-chart"


def test_schedule_shows_today_line_and_filters_rows(page, transactional_world, screenshot):
    world = transactional_world
    today = with_milestones(world)
    login(page, "leader", PASSWORD)
    page.goto(f"/dashboards/schedule/?programme={world.programme.code}")
    chart = page.locator(CHART)
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)
    expect(chart).to_have_attribute("data-row-count", "2")
    expect(chart).to_have_attribute("data-today", today.isoformat())
    expect(chart.locator("svg text", has_text=f"今天 {today.isoformat()}")).to_have_count(1)
    expect(chart.locator("svg text", has_text="牧野路改造工程")).to_have_count(1)
    # The overdue milestone is drawn red (the state colour of "overdue").
    expect(chart.locator("svg path[fill='#d63939']")).not_to_have_count(0)
    expect(page.locator("#schedule-summary")).to_contain_text("逾期节点 1 个")
    screenshot("schedule-programme")

    page.select_option("#id_category", str(world.infra.pk))
    expect(chart).to_have_attribute("data-row-count", "1")
    expect(chart.locator("svg text", has_text="牧野路改造工程")).to_have_count(0)
    expect(chart.locator("svg text", has_text="沿黄高速")).to_have_count(1)
    assert f"category={world.infra.pk}" in page.locator("#schedule-export").get_attribute("href")
    screenshot("schedule-filtered")

    page.goto(f"/dashboards/schedule/?programme={world.programme.code}&project={world.own.pk}")
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)
    expect(chart).to_have_attribute("data-row-count", "5")
    expect(chart.locator("svg text", has_text="设备安装")).to_have_count(1)
    screenshot("schedule-project")


def test_backward_planned_dates_are_drawn_dashed(page, transactional_world, screenshot):
    world = transactional_world
    with_milestones(world)
    Milestone.objects.filter(project=world.own).update(duration_days=60)
    login(page, "leader", PASSWORD)
    page.goto(f"/dashboards/schedule/?programme={world.programme.code}")
    chart = page.locator(CHART)
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)
    expect(chart).to_have_attribute("data-derived-count", "4")
    # Hollow dashed diamonds (blue dashed outline) mark the derived dates.
    expect(chart.locator("svg path[stroke='#206bc4'][stroke-dasharray]")).to_have_count(4)
    screenshot("schedule-derived")

    page.goto(f"/dashboards/schedule/?programme={world.programme.code}&project={world.own.pk}")
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)
    expect(chart).to_have_attribute("data-derived-count", "4")
    # …and the planned bars of the milestones are dashed outlines as well.
    expect(chart.locator("svg path[stroke='#206bc4'][stroke-dasharray]")).to_have_count(8)
    box = chart.locator("svg path[stroke='#206bc4'][stroke-dasharray]").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#schedule-chart")).to_contain_text("倒排推算")
    screenshot("schedule-derived-project")
