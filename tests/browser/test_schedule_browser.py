from playwright.sync_api import expect

from keyworks.dashboards import schedule
from keyworks.ledger.models import Milestone
from tests.conftest import PASSWORD, make_project
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


def test_pager_turns_pages_without_a_reload(page, transactional_world, screenshot, monkeypatch):
    world = transactional_world
    with_milestones(world)
    make_project(world.programme, world.infra, 3, "第三项目", world.district_b, "专班3")
    # One project a page: `own` (十大工业), `other` (沿黄高速), then 第三项目.
    monkeypatch.setattr(schedule, "PAGE_SIZE", 1)
    login(page, "leader", PASSWORD)
    page.goto(f"/dashboards/schedule/?programme={world.programme.code}")
    chart, pager = page.locator(CHART), page.locator("#schedule-pager")
    expect(page.locator(f"{CHART}[data-ready='1']")).to_have_count(1)
    expect(chart).to_have_attribute("data-row-count", "1")
    expect(pager).to_be_visible()
    expect(pager).to_contain_text("第 1/3 页，共 3 个项目")
    expect(page.locator("#schedule-prev")).to_be_disabled()
    expect(chart.locator("svg text", has_text="牧野路改造工程")).to_have_count(1)
    page.evaluate("window.kwNoReload = true")  # gone if the page were loaded again

    page.get_by_role("button", name="下一页").click()
    expect(chart).to_have_attribute("data-page", "2")
    expect(pager).to_contain_text("第 2/3 页")
    expect(chart.locator("svg text", has_text="沿黄高速")).to_have_count(1)
    expect(chart.locator("svg text", has_text="牧野路改造工程")).to_have_count(0)
    # The whole set's summary, not the page's; no reload; the address keeps the page.
    expect(page.locator("#schedule-summary")).to_contain_text("3 个项目，逾期节点 1 个")
    assert page.evaluate("window.kwNoReload") is True
    assert "page=2" in page.url
    assert "page=" not in page.locator("#schedule-export").get_attribute("href")
    screenshot("schedule-page-2")

    page.get_by_role("button", name="上一页").click()
    expect(chart).to_have_attribute("data-page", "1")
    expect(chart.locator("svg text", has_text="牧野路改造工程")).to_have_count(1)

    # A filter starts again at page 1, and the pager pages inside the filtered set.
    page.get_by_role("button", name="下一页").click()
    expect(chart).to_have_attribute("data-page", "2")
    page.select_option("#id_category", str(world.infra.pk))
    expect(chart).to_have_attribute("data-page", "1")
    expect(pager).to_contain_text("第 1/2 页，共 2 个项目")
    expect(chart.locator("svg text", has_text="沿黄高速")).to_have_count(1)
    page.get_by_role("button", name="下一页").click()
    expect(chart).to_have_attribute("data-page", "2")
    expect(chart.locator("svg text", has_text="第三项目")).to_have_count(1)
    expect(chart.locator("svg text", has_text="牧野路改造工程")).to_have_count(0)
    assert f"category={world.infra.pk}" in page.url and "page=2" in page.url

    page.select_option("#id_district", str(world.district_a.pk))
    expect(chart).to_have_attribute("data-pages", "1")
    expect(pager).to_be_hidden()
    assert "page=" not in page.url
