"""Issue 3 point 10: a task force fills its report and adds photos on a phone."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from keyworks.core import calendar
from keyworks.ledger.models import Photo
from keyworks.reporting.models import MonthlyReport, ReportStatus
from tests.conftest import PASSWORD

from .conftest import SCREENSHOTS, login

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def assert_fits_the_screen(page) -> None:
    """The page body never scrolls sideways (wide tables scroll inside their own box)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] + 1, f"horizontal overflow {widths} on {page.url}"


def assert_touch_target(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 44, box


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_task_force_fills_a_report_and_adds_a_photo_on_a_phone(
    browser, live_server, transactional_world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the live server runs in this process
    world = transactional_world
    month = calendar.previous_month()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def shoot(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"mobile-{name}.png"), full_page=True)

    login(page, "tf01", PASSWORD)
    page.goto(f"/reporting/?month={month:%Y-%m}")
    assert_fits_the_screen(page)
    shoot("report-list")

    # The nav collapses behind a toggler; a tap opens it.
    menu = page.locator("#navbar-menu")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(menu.get_by_role("link", name="问题清单")).to_be_hidden()
    assert_touch_target(toggler)
    toggler.tap()
    expect(menu).to_have_class(re.compile(r"\bcollapse show\b"))  # transition over
    expect(menu.get_by_role("link", name="问题清单")).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    assert_touch_target(menu.get_by_role("link", name="问题清单"))
    assert_fits_the_screen(page)
    shoot("nav-open")
    toggler.tap()
    expect(menu.get_by_role("link", name="问题清单")).to_be_hidden()

    # Start the report from the list and save a draft.
    row = page.locator(f"#reports [data-project='{world.own.pk}']")
    start = row.get_by_role("button", name="填报")
    expect(start).to_be_visible()
    assert_touch_target(start)
    start.tap()
    page.wait_for_url("**/edit/**")
    assert_fits_the_screen(page)
    save = page.locator("#save-draft")
    assert_touch_target(save)
    assert_touch_target(page.locator("#submit-report"))
    assert_touch_target(page.locator("#id_completed_this_month"))
    assert page.locator("#id_completed_this_month").get_attribute("inputmode") == "decimal"
    page.fill("#id_completed_this_month", "120.50")
    page.fill("#id_progress_text", "基础施工完成60%")
    page.fill("#id_next_plan_investment", "200")
    page.fill("#id_next_plan_content", "主体结构施工")
    shoot("report-form")
    save.tap()
    expect(page.locator("#report-status")).to_contain_text("草稿")
    assert_fits_the_screen(page)
    shoot("report-detail")

    # Edit the draft again from the detail page, then submit it.
    edit = page.locator("#edit-report")
    assert_touch_target(edit)
    edit.tap()
    page.fill("#id_completed_this_month", "130")
    page.locator("#submit-report").tap()
    expect(page.locator("#report-status")).to_contain_text("已提交")
    report = MonthlyReport.objects.get(project=world.own, month=month)
    assert report.status == ReportStatus.SUBMITTED
    assert str(report.completed_this_month) in {"130", "130.00"}

    # Back on the list the row now links to the report; the list still fits.
    page.goto(f"/reporting/?month={month:%Y-%m}")
    assert_fits_the_screen(page)
    assert_touch_target(row.get_by_role("link", name="查看"))

    # A page with several header actions: the title keeps the whole width, the actions
    # wrap below it (not a title squeezed into a column a character wide).
    page.goto("/coordination/")
    assert_fits_the_screen(page)
    title, actions = page.locator(".page-title"), page.locator(".page-header .btn-list")
    assert title.bounding_box()["width"] > 300
    assert actions.bounding_box()["y"] >= title.bounding_box()["y"] + title.bounding_box()["height"]
    shoot("problem-list")

    # The project's photo form opens the rear camera.
    page.goto(f"/ledger/{world.own.pk}/")
    assert_fits_the_screen(page)
    photo_input = page.locator("#photos input[type=file]")
    assert photo_input.get_attribute("capture") == "environment"
    assert photo_input.get_attribute("accept") == "image/*"
    photo_input.set_input_files(
        files=[{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    upload = page.locator("#photo-upload")
    assert_touch_target(upload)
    upload.tap()
    expect(page.locator("#photos img")).to_have_count(1)
    assert Photo.objects.filter(project=world.own).count() == 1
    shoot("project-detail")
    page.locator("#photos").screenshot(path=str(SCREENSHOTS / "mobile-photo-form.png"))
    context.close()
