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

from keyworks.ledger.importer import LedgerImportError, apply_ledger_import, parse_ledger
from keyworks.ledger.models import Programme
from keyworks.ledger.permissions import can
from keyworks.orgs.models import Role, RoleAssignment, User


class Command(BaseCommand):
    help = (
        "从 Excel 台账导入项目（与网页导入相同的校验；有任何错误则不写入）/ Import projects "
        "from an Excel ledger (same checks as the web import; nothing is written on any error)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件 .xlsx / the ledger workbook")
        parser.add_argument("--programme", required=True, help="项目计划代码 / programme code")
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验不写入 / check only, write nothing"
        )
        parser.add_argument(
            "--user",
            help="记录为导入人的用户名（默认：该计划的第一个办公室用户）/ username recorded as "
            "the importer (default: the programme's first office user)",
        )

    def handle(self, *args, file, programme, dry_run, user, **options):
        try:
            programme_obj = Programme.objects.get(code=programme)
        except Programme.DoesNotExist:
            raise CommandError(f"项目计划不存在：{programme} / No such programme") from None
        actor = self.actor(programme_obj, user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file} / No such file")
        with path.open("rb") as fileobj:
            parsed = parse_ledger(fileobj, programme_obj)
        for warning in parsed.warnings:
            self.stderr.write(f"提示 / warning: {warning}")
        if parsed.errors:
            for issue in parsed.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                f"发现 {len(parsed.errors)} 处错误，未导入任何数据 / "
                f"{len(parsed.errors)} error(s); nothing was imported"
            )
        if not parsed.rows:
            raise CommandError("文件中没有项目数据 / The file has no project rows")
        if dry_run:
            self.stdout.write(
                f"校验通过（未写入）：{parsed.summary_text()} / Dry run, nothing written"
            )
            return
        try:
            summary = apply_ledger_import(parsed, by=actor, file_name=path.name)
        except LedgerImportError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(
                "导入失败，未写入任何数据 / Import failed; nothing was written"
            ) from exc
        self.stdout.write(f"导入完成：{summary} / Imported")

    def actor(self, programme: Programme, username: str | None) -> User:
        if username:
            try:
                actor = User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(
                    f"用户不存在或已停用：{username} / No such active user"
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
                raise CommandError(
                    "该计划没有办公室用户，请用 --user 指定导入人 / The programme has no office "
                    "user; name the importer with --user"
                )
            actor = assignment.user
        if not can(actor, "import", programme):
            raise CommandError(
                f"用户 {actor.username} 无权导入该计划的台账 / {actor.username} may not import"
            )
        return actor
