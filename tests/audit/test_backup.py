"""A backup restores into an empty database with every model's row count and every stored
file's checksum as they were; a damaged backup or an occupied database is refused."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image

from keyworks.audit.chain import verify
from keyworks.audit.models import ChangeRecord
from keyworks.ledger import services as ledger
from keyworks.portal.backup import counts
from tests.conftest import build_world


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "teal").save(out, "PNG")
    return SimpleUploadedFile("site.png", out.getvalue())


def checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    ledger.add_photo(world.own, photo(), caption="现场", by=world.member)
    ledger.update_project(world.own, {"name": "牧野路改造工程（一期）"}, by=world.office)
    before_counts, before_files = counts(), checksums(tmp_path / "media")
    assert before_counts["ledger.photo"] == 1 and len(before_files) == 1
    assert verify(ChangeRecord)[0] == []

    call_command("backup", str(tmp_path / "backup"))
    call_command("flush", interactive=False, verbosity=0)
    for path in (tmp_path / "media").rglob("*"):
        if path.is_file():
            path.unlink()
    assert counts()["ledger.project"] == 0

    call_command("restore", str(tmp_path / "backup"))
    assert counts() == before_counts
    assert checksums(tmp_path / "media") == before_files
    findings, checked, _head = verify(ChangeRecord)
    assert findings == [] and checked == before_counts["audit.changerecord"]


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_or_an_occupied_database_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_world()
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(tmp_path / "backup"))
    data = tmp_path / "backup" / "data.jsonl.gz"
    data.write_bytes(data.read_bytes()[:-10])
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="数据文件与清单不符"):
        call_command("restore", str(tmp_path / "backup"))
