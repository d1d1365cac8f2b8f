"""Names typed by users are shown as text in every chart tooltip, never run as markup.

A project, a milestone and a category carry an image tag whose error handler would count
in window.__xss; every data item of every chart on the battle map, the schedule chart, the
big screen and the command dashboard shows its tooltip in turn."""

from decimal import Decimal

from playwright.sync_api import expect

from keyworks.ledger.models import Category, Milestone, Project
from tests.conftest import PASSWORD
from tests.dashboards.conftest import load_world_boundaries
from tests.dashboards.test_schedule import with_milestones

from .conftest import login

HOSTILE = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'

# Show the tooltip of every data item of every series of every chart on the page.
SHOW_EVERY_TOOLTIP = """async (charts) => {
  let shown = 0;
  for (const chart of charts) {
    const series = chart.getOption().series || [];
    for (let s = 0; s < series.length; s++) {
      const n = Math.min(((series[s].data || []).length), 50);
      for (let i = 0; i < n; i++) {
        chart.dispatchAction({ type: "showTip", seriesIndex: s, dataIndex: i });
        await new Promise((r) => setTimeout(r, 5));
        shown += 1;
      }
    }
  }
  await new Promise((r) => setTimeout(r, 300));
  return shown;
}"""


def hostile_names(world):
    Project.objects.filter(pk=world.own.pk).update(
        name=HOSTILE + "牧野路改造工程",
        longitude=Decimal("113.230000"),
        latitude=Decimal("35.250000"),
    )
    Milestone.objects.filter(project=world.own).update(name=HOSTILE + "节点")
    Category.objects.filter(pk=world.industry.pk).update(name=HOSTILE + "十大工业")


def assert_shown_as_text(page, charts_expression):
    shown = page.evaluate(f"(async () => ({SHOW_EVERY_TOOLTIP})({charts_expression}))()")
    assert shown > 0
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0


def test_names_in_map_tooltips_are_text(page, transactional_world):
    world = transactional_world
    load_world_boundaries(world)
    with_milestones(world)
    hostile_names(world)
    login(page, "leader", PASSWORD)
    page.goto("/dashboards/map/")
    expect(page.locator("#map-chart[data-ready='1']")).to_have_count(1)
    assert_shown_as_text(page, "[kwMap.chart]")
    page.evaluate("kwMap.chart.dispatchAction({type: 'showTip', seriesIndex: 1, dataIndex: 0})")
    expect(page.locator("#map-chart")).to_contain_text("<img src=x")


def test_names_in_schedule_tooltips_are_text(page, transactional_world):
    world = transactional_world
    with_milestones(world)
    hostile_names(world)
    login(page, "leader", PASSWORD)
    for query in ("", f"&project={world.own.pk}"):
        page.goto(f"/dashboards/schedule/?programme={world.programme.code}{query}")
        expect(page.locator("#schedule-chart[data-ready='1']")).to_have_count(1)
        assert_shown_as_text(page, "[kwSchedule.chart]")


def test_names_on_the_big_screen_and_dashboard_are_text(page, transactional_world):
    world = transactional_world
    load_world_boundaries(world)
    with_milestones(world)
    hostile_names(world)
    login(page, "leader", PASSWORD)
    page.goto("/dashboards/screen/")
    expect(page.locator("#screen[data-ready='1']")).to_have_count(1)
    assert_shown_as_text(page, "Object.values(kwScreen.charts)")
    page.goto("/dashboards/?month=2025-03")
    expect(page.locator("#command-charts[data-ready='1']")).to_have_count(1)
    assert_shown_as_text(page, "Object.values(kwCommand.charts)")
