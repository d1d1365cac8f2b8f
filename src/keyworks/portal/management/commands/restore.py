"""`keyworks restore DIR`: a backup into an empty database, checked against its manifest
before and after (portal.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keyworks.portal.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份目录恢复到空数据库 / Restore a backup folder into an empty database"

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            result = restore(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            f"已恢复 {rows} 行数据、{result.files} 个文件，行数与校验和均与清单一致"
            f" / Restored {rows} rows and {result.files} files; counts and checksums match"
        )
