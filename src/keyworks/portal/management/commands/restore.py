"""`keyworks restore DIR`: a backup into an empty database, checked against its manifest
before and after (portal.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.portal.backup import BackupError, restore


class Command(BaseCommand):
    help = gettext_lazy("从备份目录恢复到空数据库")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            result = restore(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            _("已恢复 %(rows)s 行数据、%(files)s 个文件，行数与校验和均与清单一致")
            % {"rows": rows, "files": result.files}
        )
