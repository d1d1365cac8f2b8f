import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Project

from .ledger_xlsx import row, write_ledger

UPLOAD = reverse("ledger:import")
CODE = "2501-410800-04-01-000001"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_imports(media):
    folder = media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def good_file(tmp_path, **extra):
    values = dict(
        seq=3, name="市人才公寓", code=CODE, category="十大基础设施", district="解放区",
        total="12345.6", completed=100, start="2025-03-01", finish="2026-06-30",
        responsible="焦作市住房和城乡建设局", owner=None, lead=None,
    )  # fmt: skip
    values.update(extra)
    return write_ledger(tmp_path / "台账.xlsx", [row(**values)])


def upload(client, path, name=None):
    with open(path, "rb") as f:
        data = io.BytesIO(f.read())
    data.name = name or path.name
    return client.post(UPLOAD, {"file": data})


def test_upload_page_for_office(world):
    response = world.client(world.office).get(UPLOAD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and 'accept=".xlsx' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    "who", ["leader", "inspector", "member", "other_member", "district", "department_user"]
)
def test_only_office_may_import(world, who, tmp_path, media):
    client = world.client(getattr(world, who))
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, good_file(tmp_path)).status_code == 403
    assert stored_imports(media) == []


def test_outsider_gets_404_and_anonymous_goes_to_login(world):
    assert world.client(world.outsider).get(UPLOAD).status_code == 404
    response = world.client(None).get(UPLOAD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_text_file_named_xlsx_is_refused(world, tmp_path, media):
    path = tmp_path / "ledger.xlsx"
    path.write_text("序号,项目名称\n1,假项目\n", encoding="utf-8")
    response = upload(world.client(world.office), path)
    assert response.status_code == 400
    assert "文件不是有效的 Excel (.xlsx) 文件" in response.content.decode()
    assert stored_imports(media) == []


@override_settings(IMPORT_MAX_BYTES=2048)
def test_file_over_the_size_limit_is_refused(world, tmp_path, media):
    path = good_file(tmp_path)
    assert path.stat().st_size > 2048
    response = upload(world.client(world.office), path)
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert stored_imports(media) == []


def test_zip_with_too_many_entries_is_refused(world, tmp_path, media):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(2001):
            archive.writestr(f"xl/x{i}.xml", "")
    response = upload(world.client(world.office), path)
    assert response.status_code == 400
    assert "条目过多" in response.content.decode()
    assert stored_imports(media) == []


def test_missing_file_is_an_error(world):
    response = world.client(world.office).post(UPLOAD, {})
    assert response.status_code == 400
    assert "请选择要导入的 Excel" in response.content.decode()


def test_upload_preview_confirm(world, tmp_path, media):
    client = world.client(world.office)
    response = upload(client, good_file(tmp_path, owner="新业主公司"))
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    assert stored_imports(media) == [f"{token}.xlsx"]
    assert Project.objects.filter(code=CODE).count() == 0  # nothing written yet

    response = client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "台账.xlsx" in html
    assert "识别的列" in html and "总投资（万元）" in html
    assert "市人才公寓" in html and "新增" in html
    assert "新业主公司（企业）" in html  # unit to be created
    assert 'id="import-confirm"' in html
    assert 'id="import-confirm" disabled' not in html
    assert response.context["parsed"].created == 1

    response = client.post(preview_url, {"action": "confirm"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("ledger:project_list"))
    project = Project.objects.get(code=CODE)
    assert project.total_investment == Decimal("12345.60")
    assert stored_imports(media) == []
    assert client.get(preview_url).status_code == 404  # the token is used up
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("新增 1" in m for m in messages)
    assert ChangeRecord.objects.get(action="import").after["file"] == "台账.xlsx"


def test_preview_lists_updates_with_changed_fields(world, tmp_path):
    client = world.client(world.office)
    path = write_ledger(
        tmp_path / "u.xlsx", [["牧野路改造工程", 12000]], headers=["项目名称", "总投资（万元）"]
    )
    response = client.get(upload(client, path)["Location"])
    html = response.content.decode()
    assert "更新" in html and "10,000.00" in html and "12,000.00" in html


def test_errors_block_the_confirm_and_nothing_is_written(world, tmp_path, media):
    client = world.client(world.office)
    path = good_file(tmp_path, code="bad-code", district="火星区")
    preview_url = upload(client, path)["Location"]
    response = client.get(preview_url)
    html = response.content.decode()
    assert 'id="import-confirm" disabled' in html
    assert "第3行「项目代码」：项目代码格式不正确" in html
    assert "第3行「所在县(市、区)」：未知县(市、区)“火星区”" in html
    before = (Project.objects.count(), ChangeRecord.objects.count())
    response = client.post(preview_url, {"action": "confirm"})
    assert response.status_code == 400
    assert (Project.objects.count(), ChangeRecord.objects.count()) == before
    assert len(stored_imports(media)) == 1  # kept until cancelled or replaced


def test_confirm_rereads_the_stored_file(world, tmp_path, media):
    """Posted values are ignored: the stored file is parsed again on confirm."""
    client = world.client(world.office)
    preview_url = upload(client, good_file(tmp_path))["Location"]
    client.post(preview_url, {"action": "confirm", "total_investment": "1", "name": "伪造"})
    project = Project.objects.get(code=CODE)
    assert project.name == "市人才公寓" and project.total_investment == Decimal("12345.60")


def test_cancel_deletes_the_stored_file(world, tmp_path, media):
    client = world.client(world.office)
    preview_url = upload(client, good_file(tmp_path))["Location"]
    response = client.post(preview_url, {"action": "cancel"})
    assert response.status_code == 302
    assert stored_imports(media) == []
    assert not Project.objects.filter(code=CODE).exists()


def test_a_new_upload_replaces_the_pending_one(world, tmp_path, media):
    client = world.client(world.office)
    first = upload(client, good_file(tmp_path))["Location"]
    upload(client, good_file(tmp_path))
    assert len(stored_imports(media)) == 1
    assert client.get(first).status_code == 404


def test_preview_token_is_bound_to_the_session(world, tmp_path):
    preview_url = upload(world.client(world.office), good_file(tmp_path))["Location"]
    other_office_session = world.client(world.office)
    assert other_office_session.get(preview_url).status_code == 404
    assert other_office_session.post(preview_url, {"action": "confirm"}).status_code == 404
    assert world.client(world.member).get(preview_url).status_code == 404
    assert not Project.objects.filter(code=CODE).exists()


def test_losing_the_office_role_before_confirming_is_403(world, tmp_path):
    client = world.client(world.office)
    preview_url = upload(client, good_file(tmp_path))["Location"]
    world.office.roles.filter(role="office").update(role="leader")
    assert client.post(preview_url, {"action": "confirm"}).status_code == 403
    assert not Project.objects.filter(code=CODE).exists()


def test_stored_file_uses_default_storage(world, tmp_path):
    client = world.client(world.office)
    token = upload(client, good_file(tmp_path))["Location"].rstrip("/").rsplit("/", 1)[1]
    assert default_storage.exists(f"imports/{token}.xlsx")


def test_preview_lists_unchanged_rows_too(world, tmp_path):
    client = world.client(world.office)
    path = write_ledger(
        tmp_path / "s.xlsx", [["牧野路改造工程", 10000]], headers=["项目名称", "总投资（万元）"]
    )
    response = client.get(upload(client, path)["Location"])
    assert response.context["parsed"].unchanged == 1
    assert "未变" in response.content.decode() and "牧野路改造工程" in response.content.decode()
