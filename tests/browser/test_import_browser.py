from playwright.sync_api import expect

from keyworks.ledger.models import Project
from tests.conftest import PASSWORD
from tests.ledger.ledger_xlsx import row, write_ledger

from .conftest import login


def test_office_imports_a_ledger_through_the_preview(
    page, transactional_world, tmp_path, screenshot
):
    world = transactional_world
    path = write_ledger(
        tmp_path / "台账.xlsx",
        [
            row(
                seq=1,
                name=world.own.name,
                code=world.own.code,
                category="十大工业",
                district="解放区",
                total="12000",
                completed="2600",
            ),
            row(
                seq=3,
                name="焦作市人才公寓",
                category="十大工业",
                district="武陟县",
                total="8000",
                start="2025年3月",
                finish="2026.6",
            ),
        ],
    )
    login(page, "office", PASSWORD)
    page.goto("/ledger/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    confirm = page.locator("#import-confirm")
    expect(confirm).to_be_enabled()
    expect(page.locator("body")).to_contain_text("焦作市人才公寓")
    screenshot("ledger-import-preview")
    confirm.click()
    page.wait_for_url("**/ledger/**")
    expect(page.locator("#ledger")).to_contain_text("焦作市人才公寓")
    assert Project.objects.get(pk=world.own.pk).total_investment == 12000
    assert Project.objects.filter(programme=world.programme).count() == 3


def test_a_file_with_errors_cannot_be_confirmed(page, transactional_world, tmp_path):
    path = write_ledger(
        tmp_path / "bad.xlsx",
        [
            row(seq=1, name="新项目", category="十大工业", district="火星区", total="-5"),
        ],
    )
    login(page, "office", PASSWORD)
    page.goto("/ledger/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-confirm")).to_be_disabled()
    expect(page.locator("body")).to_contain_text("火星区")
    assert not Project.objects.filter(name="新项目").exists()
