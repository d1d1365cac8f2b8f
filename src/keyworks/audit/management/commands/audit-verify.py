"""`keyworks audit-verify`: walk the change log's and the security log's chains and report
the first altered, deleted or inserted record of each (exit status 1 when any)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.chain import verify
from keyworks.audit.models import ChangeRecord, SecurityEvent

LOGS = {
    "changes": (gettext_lazy("变更记录"), ChangeRecord),
    "security": (gettext_lazy("安全审计日志"), SecurityEvent),
}


class Command(BaseCommand):
    help = gettext_lazy("校验变更记录与安全审计日志的防篡改链，报告第一条被修改、删除或插入的记录")

    def add_arguments(self, parser):
        parser.add_argument("--log", choices=sorted(LOGS), help=_("只校验一种日志"))

    def handle(self, *args, log=None, **options):
        broken = False
        for key in [log] if log else sorted(LOGS):
            label, model = LOGS[key]
            findings, checked, head = verify(model)
            if findings:
                broken = True
                for finding in findings:
                    self.stdout.write(
                        _("%(log)s：%(finding)s（发现篡改）") % {"log": label, "finding": finding}
                    )
            else:
                self.stdout.write(
                    _("%(log)s：%(checked)s 条记录完整，链首摘要 %(head)s")
                    % {"log": label, "checked": checked, "head": head or _("（空）")}
                )
        if broken:
            raise CommandError(_("审计链校验未通过"))
