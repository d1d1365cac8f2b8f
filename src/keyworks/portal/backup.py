"""Backup and restore (GB/T 22239 数据备份恢复): the whole database and the stored files,
with a manifest of counts and checksums that the restore checks before and after.

A backup is a folder:

    manifest.json    when, which database, each model's row count, each file's SHA-256
    data.jsonl.gz    every row (Django's JSON-lines serialisation, natural keys)
    media/…          the stored files (photos, pending imports), as they were

`restore` refuses a folder whose data or files do not match the manifest, and a
database that already holds data; it loads everything in one transaction, copies the
files, and compares every model's count with the manifest.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
DATA = "data.jsonl.gz"
MANIFEST = "manifest.json"
# Rebuilt by migrate (content types, permissions) or worthless after a restore (sessions).
SKIPPED = {"contenttypes", "sessions", "admin"}
SKIPPED_MODELS = {"auth.permission"}


class BackupError(Exception):
    pass


def backed_up_models() -> list:
    """Every model whose rows a backup holds, in an order loading can follow."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in SKIPPED
        and model._meta.label_lower not in SKIPPED_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup(folder: Path) -> dict:
    """Write a backup of the database and the stored files into `folder` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(_("备份目录不是空的：%(folder)s") % {"folder": folder})
    folder.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with transaction.atomic():  # one consistent view of every table
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows = counts()
        with gzip.open(folder / DATA, "wt", encoding="utf-8") as out:
            for model in backed_up_models():
                serializers.serialize(
                    "jsonl",
                    model._base_manager.order_by("pk").iterator(chunk_size=2000),
                    stream=out,
                    use_natural_foreign_keys=True,
                )
    files = {}
    for path in media_files(media_root):
        relative = path.relative_to(media_root).as_posix()
        target = folder / "media" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        files[relative] = {"sha256": sha256(target), "bytes": target.stat().st_size}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": latest_migrations(),
        "counts": rows,
        "data_sha256": sha256(folder / DATA),
        "files": files,
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def latest_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app not in SKIPPED and name > latest.get(app, ""):
            latest[app] = name
    return latest


@dataclass
class RestoreResult:
    counts: dict[str, int]
    files: int


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("无法读取备份清单 %(manifest)s：%(exc)s") % {"manifest": MANIFEST, "exc": exc}
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("备份格式不受支持"))
    return manifest


def check_folder(folder: Path, manifest: dict) -> None:
    """Every byte of the backup as the manifest says, before anything is loaded."""
    if not (folder / DATA).is_file() or sha256(folder / DATA) != manifest["data_sha256"]:
        raise BackupError(_("数据文件与清单不符：%(data)s") % {"data": DATA})
    for relative, expected in manifest["files"].items():
        path = folder / "media" / relative
        if not path.is_file() or sha256(path) != expected["sha256"]:
            raise BackupError(_("文件与清单不符：%(relative)s") % {"relative": relative})


def restore(folder: Path) -> RestoreResult:
    """Restore a backup into an empty database (migrated here first) and MEDIA_ROOT."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_folder(folder, manifest)
    call_command("migrate", interactive=False, verbosity=0)
    occupied = {label: n for label, n in counts().items() if n}
    if occupied:
        sample = "、".join(f"{label} {n}" for label, n in list(occupied.items())[:3])
        raise BackupError(
            _("数据库不是空的（%(sample)s…），只能恢复到空数据库") % {"sample": sample}
        )
    with transaction.atomic():
        call_command("loaddata", str(folder / DATA), verbosity=0)
        restored = counts()
        differing = {
            label: (restored.get(label, 0), n)
            for label, n in manifest["counts"].items()
            if restored.get(label, 0) != n
        }
        if differing:
            raise BackupError(_("恢复后行数与清单不符：%(differing)s") % {"differing": differing})
    media_root = Path(settings.MEDIA_ROOT)
    for relative in manifest["files"]:
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / "media" / relative, target)
    return RestoreResult(counts=restored, files=len(manifest["files"]))
