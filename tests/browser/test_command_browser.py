import re

from playwright.sync_api import expect

from keyworks.ledger.models import Project, Stage
from tests.conftest import PASSWORD

from .conftest import SCREENSHOTS, login

CHARTS = "#command-charts"


def test_command_dashboard_shows_figures_and_charts(page, transactional_world, screenshot):
    world = transactional_world
    Project.objects.filter(pk=world.other.pk).update(stage=Stage.CONSTRUCTION)
    login(page, "office", PASSWORD)
    page.click("#nav-command")  # the 挂图作战 menu
    page.click(".dropdown-item:has-text('指挥中心')")
    expect(page.locator(f"{CHARTS}[data-ready='1']")).to_have_count(1)
    expect(page.locator("[data-figure=projects]")).to_have_text("2")
    expect(page.locator("[data-figure=stage-construction]")).to_contain_text("1")
    for key in ("s", "district", "category", "problems", "lights"):
        expect(page.locator(f"[data-chart={key}] svg")).to_have_count(1)
    expect(page.locator("[data-chart=district] svg text", has_text="解放区")).to_have_count(1)
    screenshot("command-dashboard")

    page.click("[data-figure=stage-construction]")
    page.wait_for_url("**/ledger/?*stage=construction*")
    expect(page.locator("body")).to_contain_text(world.other.name)

    page.goto("/dashboards/?month=2025-03")
    expect(page.locator(f"{CHARTS}[data-ready='1']")).to_have_count(1)
    expect(page.locator("#id_month")).to_have_value("2025-03")
    page.emulate_media(media="print")
    expect(page.locator(".navbar").first).to_be_hidden()
    page.wait_for_timeout(300)  # the charts resize to their print boxes
    screenshot("command-dashboard-print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    (SCREENSHOTS / "command-dashboard.pdf").write_bytes(pdf)
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    assert len(pages) == 1, "the dashboard prints on one page"
