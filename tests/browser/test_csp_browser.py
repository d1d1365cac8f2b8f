"""Every kind of page runs under the Content-Security-Policy (no inline script, no eval)
without a single violation, and its behaviours still work (a confirm, an auto-submit)."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dashboards.conftest import load_world_boundaries

from .conftest import login

PAGES = [
    "/",
    "/ledger/",
    "/reporting/",
    "/reporting/measures/",
    "/reporting/summary/",
    "/targets/",
    "/fieldwork/",
    "/coordination/",
    "/coordination/stats/",
    "/meetings/",
    "/tasks/",
    "/factors/",
    "/rankings/",
    "/dashboards/",
    "/dashboards/map/",
    "/dashboards/schedule/",
    "/dashboards/screen/",
    "/people/",
    "/people/profile/",
    "/api/docs",
]


def test_pages_run_without_policy_violations(page, transactional_world):
    world = transactional_world
    load_world_boundaries(world)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    login(page, "office", PASSWORD)
    for path in [*PAGES, f"/ledger/{world.own.pk}/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_declared_behaviours_work_without_inline_script(page, transactional_world):
    login(page, "office", PASSWORD)
    page.goto("/reporting/measures/")
    page.fill("input[type=month][name=month]", "2025-03")
    page.locator("input[type=month][name=month]").dispatch_event("change")
    page.wait_for_url(lambda url: "month=2025-03" in url)
    page.wait_for_load_state("networkidle")  # fill and the event may each submit once
    page.goto(f"/ledger/{transactional_world.own.pk}/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("button:has-text('移除')").first.click()
    assert dialogs == ["移除该成员？"]
    expect(page.locator("button:has-text('移除')").first).to_be_visible()  # dismissed: kept
