import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .conftest import login


def test_task_force_member_edits_own_project_and_sees_history(
    page, transactional_world, screenshot
):
    world = transactional_world
    login(page, "tf01", PASSWORD)
    page.goto(f"/ledger/{world.own.pk}/")
    page.click("#edit-project")
    page.fill("#id_completed_investment", "4321.50")
    page.fill("#id_reason", "两周进度更新")
    page.click("#project-form button[type=submit]")
    expect(page.locator("#completed-investment")).to_have_text("4,321.50")
    history = page.locator("#history")
    expect(history).to_contain_text("两周进度更新")
    expect(history).to_contain_text("2500.00 → 4321.50")
    screenshot("ledger-detail-after-edit")


def test_task_force_member_cannot_open_another_task_force_edit_page(page, transactional_world):
    world = transactional_world
    login(page, "tf01", PASSWORD)
    response = page.goto(f"/ledger/{world.other.pk}/edit/")
    assert response.status == 403
    page.goto(f"/ledger/{world.other.pk}/")
    expect(page.locator("#edit-project")).to_have_count(0)


def test_filtering_the_ledger_updates_table_and_totals(page, transactional_world, screenshot):
    world = transactional_world
    login(page, "leader", PASSWORD)
    page.goto("/ledger/")
    expect(page.locator("#ledger tbody tr")).to_have_count(2)
    page.select_option("#id_category", str(world.infra.pk))
    expect(page.locator("#ledger tbody tr")).to_have_count(1)
    expect(page.locator("#ledger")).to_contain_text(world.other.name)
    expect(page).to_have_url(re.compile(r"category="))
    screenshot("ledger-list-filtered")
