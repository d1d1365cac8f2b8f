from playwright.sync_api import expect

from keyworks.core import calendar
from keyworks.reporting.models import MonthlyReport, ReportStatus
from tests.conftest import PASSWORD

from .conftest import SCREENSHOTS, login


def test_task_force_submits_on_a_phone_district_reviews_office_accepts(
    browser, live_server, page, transactional_world, screenshot
):
    world = transactional_world
    month = calendar.previous_month()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    mobile = phone.new_page()
    mobile.set_default_timeout(15_000)
    login(mobile, "tf01", PASSWORD)
    mobile.goto(f"/reporting/?month={month:%Y-%m}")
    row = mobile.locator(f"#reports tr[data-project='{world.own.pk}']")
    row.get_by_role("button", name="填报").click()
    mobile.fill("#id_completed_this_month", "320.50")
    mobile.fill("#id_milestones_reached", "主体封顶（15日）")
    mobile.fill("#id_progress_text", "路基完成80%")
    mobile.fill("#id_next_plan_investment", "400")
    mobile.fill("#id_next_plan_content", "路面铺设")
    box = mobile.locator("#submit-report").bounding_box()
    assert box["height"] >= 40  # a large touch target
    mobile.screenshot(path=str(SCREENSHOTS / "report-form-phone.png"), full_page=True)
    mobile.click("#submit-report")
    expect(mobile.locator("#report-status")).to_contain_text("已提交")
    expect(mobile.locator("#ytd-total")).to_have_text("320.50")
    phone.close()

    login(page, "d410802", PASSWORD)
    report = MonthlyReport.objects.get(project=world.own, month=month)
    page.goto(f"/reporting/{report.pk}/")
    page.fill("#id_comment", "县区核实属实")
    page.click("#review-report")
    expect(page.locator("#report-status")).to_contain_text("县区已审核")

    page.context.clear_cookies()
    login(page, "office", PASSWORD)
    page.goto(f"/reporting/?month={month:%Y-%m}")
    page.locator(f"#reports tr[data-project='{world.own.pk}']").get_by_role(
        "link", name="查看"
    ).click()
    page.fill("#id_comment", "同意")
    page.click("#accept-report")
    expect(page.locator("#report-status")).to_contain_text("已采纳")
    expect(page.locator("#history")).to_contain_text("采纳")
    expect(page.locator("#history")).to_contain_text("县区审核")
    screenshot("report-detail-accepted")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
