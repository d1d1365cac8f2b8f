"""`keyworks backup DIR`: the database and the stored files, with a manifest of counts and
checksums (portal.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keyworks.portal.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库与附件到新目录 / Back up the database and stored files into a new folder"

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            manifest = backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"已备份 {rows} 行数据、{len(manifest['files'])} 个文件到 {folder}"
            f" / Backed up {rows} rows and {len(manifest['files'])} files"
        )
