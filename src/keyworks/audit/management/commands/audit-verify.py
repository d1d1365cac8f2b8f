"""`keyworks audit-verify`: walk the change log's and the security log's chains and report
the first altered, deleted or inserted record of each (exit status 1 when any)."""

from django.core.management.base import BaseCommand, CommandError

from keyworks.audit.chain import verify
from keyworks.audit.models import ChangeRecord, SecurityEvent

LOGS = {"changes": ("变更记录", ChangeRecord), "security": ("安全审计日志", SecurityEvent)}


class Command(BaseCommand):
    help = (
        "校验变更记录与安全审计日志的防篡改链，报告第一条被修改、删除或插入的记录"
        " / Verify the tamper-evident chains of the change log and the security log"
    )

    def add_arguments(self, parser):
        parser.add_argument("--log", choices=sorted(LOGS), help="只校验一种日志 / one log only")

    def handle(self, *args, log=None, **options):
        broken = False
        for key in [log] if log else sorted(LOGS):
            label, model = LOGS[key]
            findings, checked, head = verify(model)
            if findings:
                broken = True
                for finding in findings:
                    self.stdout.write(f"{label}：{finding} / tampering found")
            else:
                self.stdout.write(
                    f"{label}：{checked} 条记录完整，链首摘要 {head or '（空）'}"
                    f" / {checked} records intact, head {head or '-'}"
                )
        if broken:
            raise CommandError("审计链校验未通过 / audit chain verification failed")
