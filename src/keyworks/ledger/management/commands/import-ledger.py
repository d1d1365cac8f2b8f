"""`keyworks import-ledger FILE --programme CODE [--dry-run] [--user USERNAME]`.

Reads a ledger workbook with the same parser as the upload page, prints every
problem by row and column to stderr and exits non-zero if there is any; otherwise
writes everything in one transaction (nothing with --dry-run) and prints
新增 N、更新 N、未变 N.

Every write is attributed to a person: --user, else the programme's first office
user (by role assignment), because the services refuse writes without an actor.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from keyworks.ledger.importer import LedgerImportError, apply_ledger_import, parse_ledger
from keyworks.ledger.models import Programme
from keyworks.ledger.permissions import can
from keyworks.orgs.models import Role, RoleAssignment, User


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs text, so it is translated when read
        return _("从 Excel 台账导入项目（与网页导入相同的校验；有任何错误则不写入）")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("台账文件 .xlsx"))
        parser.add_argument("--programme", required=True, help=_("项目计划代码"))
        parser.add_argument("--dry-run", action="store_true", help=_("只校验不写入"))
        parser.add_argument(
            "--user", help=_("记录为导入人的用户名（默认：该计划的第一个办公室用户）")
        )

    def handle(self, *args, file, programme, dry_run, user, **options):
        try:
            programme_obj = Programme.objects.get(code=programme)
        except Programme.DoesNotExist:
            raise CommandError(_("项目计划不存在：%(code)s") % {"code": programme}) from None
        actor = self.actor(programme_obj, user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("文件不存在：%(file)s") % {"file": file})
        with path.open("rb") as fileobj:
            parsed = parse_ledger(fileobj, programme_obj)
        for warning in parsed.warnings:
            self.stderr.write(_("提示：%(warning)s") % {"warning": warning})
        if parsed.errors:
            for issue in parsed.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                _("发现 %(count)s 处错误，未导入任何数据") % {"count": len(parsed.errors)}
            )
        if not parsed.rows:
            raise CommandError(_("文件中没有项目数据"))
        if dry_run:
            self.stdout.write(
                _("校验通过（未写入）：%(summary)s") % {"summary": parsed.summary_text()}
            )
            return
        try:
            summary = apply_ledger_import(parsed, by=actor, file_name=path.name)
        except LedgerImportError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(_("导入失败，未写入任何数据")) from exc
        self.stdout.write(_("导入完成：%(summary)s") % {"summary": summary})

    def actor(self, programme: Programme, username: str | None) -> User:
        if username:
            try:
                actor = User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(
                    _("用户不存在或已停用：%(username)s") % {"username": username}
                ) from None
        else:
            assignment = (
                RoleAssignment.objects.filter(
                    programme=programme, role=Role.OFFICE, user__is_active=True
                )
                .select_related("user")
                .order_by("created_at", "id")
                .first()
            )
            if assignment is None:
                raise CommandError(_("该计划没有办公室用户，请用 --user 指定导入人"))
            actor = assignment.user
        if not can(actor, "import", programme):
            raise CommandError(
                _("用户 %(username)s 无权导入该计划的台账") % {"username": actor.username}
            )
        return actor
