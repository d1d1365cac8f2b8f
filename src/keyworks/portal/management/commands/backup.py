"""`keyworks backup DIR`: the database and the stored files, with a manifest of counts and
checksums (portal.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.portal.backup import BackupError, backup


class Command(BaseCommand):
    help = gettext_lazy("备份数据库与附件到新目录")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            manifest = backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            _("已备份 %(rows)s 行数据、%(files)s 个文件到 %(folder)s")
            % {"rows": rows, "files": len(manifest["files"]), "folder": folder}
        )
