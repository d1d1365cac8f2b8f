"""Issue 3 point 10: the field pages carry what a phone needs (the browser test checks layout)."""

import lxml.html

from .conftest import draft


def parse(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def one(page, xpath: str):
    found = page.xpath(xpath)
    assert len(found) == 1, (xpath, found)
    return found[0]


def has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def test_project_photo_input_opens_the_rear_camera(world):
    page = parse(world.client(world.member).get(f"/ledger/{world.own.pk}/"))
    photo = one(page, "//*[@id='photos']//form//input[@type='file'][@name='image']")
    assert photo.get("capture") == "environment"
    assert photo.get("accept") == "image/*"
    one(page, f"//label[@for='{photo.get('id')}']")
    assert one(page, "//*[@id='photo-upload']").get("type") == "submit"


def test_pages_load_the_phone_stylesheet_and_the_nav_toggler(world):
    page = parse(world.client(world.member).get("/reporting/", {"month": "2025-05"}))
    one(page, "//link[@rel='stylesheet'][contains(@href, 'css/phone.css')]")
    toggler = one(page, f"//button[{has_class('navbar-toggler')}]")
    assert toggler.get("data-bs-target") == "#navbar-menu"
    one(page, f"//*[@id='navbar-menu'][{has_class('collapse')}][{has_class('navbar-collapse')}]")
    # The collapse behaviour comes from Tabler's bundled Bootstrap JS.
    one(page, "//script[contains(@src, 'vendor/tabler.min.js')]")


def test_report_list_turns_into_labelled_cards_on_a_phone(world):
    draft(world)
    page = parse(world.client(world.member).get("/reporting/", {"month": "2025-05"}))
    table = one(page, "//table[@id='reports']")
    assert "kw-cards-phone" in table.get("class").split()
    row = one(table, f".//tr[@data-project='{world.own.pk}']")
    labels = [td.get("data-label") for td in row.xpath("./td")]
    assert labels[0] == "序号"
    assert {"状态", "当月完成（万元）", "年度累计（万元）"} <= set(labels)
    title = one(row, f"./td[{has_class('kw-card-title')}]")
    assert title.text_content().strip() == world.own.name


def test_report_form_buttons_stack_on_a_phone(world):
    report = draft(world)
    page = parse(world.client(world.member).get(f"/reporting/{report.pk}/edit/"))
    actions = one(page, f"//form[@id='report-form']//*[{has_class('kw-form-actions')}]")
    one(actions, ".//*[@id='save-draft']")
    one(actions, ".//*[@id='submit-report']")
    assert one(page, "//*[@id='id_completed_this_month']").get("inputmode") == "decimal"
