"""`keyworks escalate [--date YYYY-MM-DD] [--programme CODE] [--dry-run]`.

Escalates the problems due by each programme's automatic escalation rule (自动升级规则)
as of the date (default today, Asia/Shanghai). Safe to run more than once a day: a
problem goes up at most one level per run, and not again until the rule fires anew from
that escalation. Run it daily (cron / systemd timer)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from keyworks.coordination import services
from keyworks.coordination.models import EscalationRule
from keyworks.ledger.models import Programme


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse wants a str: translated when the parser is built
        return _("按自动升级规则升级逾期或无进展的问题")

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("按该日评估（YYYY-MM-DD，默认今天）"))
        parser.add_argument("--programme", help=_("只处理该计划代码"))
        parser.add_argument("--dry-run", action="store_true", help=_("只列出，不升级"))

    def handle(self, *args, date, programme, dry_run, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(_("日期格式应为 YYYY-MM-DD：%(date)s") % {"date": date}) from None
        programmes = Programme.objects.filter(
            pk__in=EscalationRule.objects.filter(enabled=True).values("programme_id")
        ).order_by("code")
        if programme:
            programmes = programmes.filter(code=programme)
            if not Programme.objects.filter(code=programme).exists():
                raise CommandError(_("项目计划不存在：%(code)s") % {"code": programme})
        total = 0
        for item in programmes:
            try:
                done = services.run_escalation(item, day, dry_run=dry_run)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            for entry in done:
                self.stdout.write(
                    _("%(code)s 问题#%(id)s：%(note)s")
                    % {"code": item.code, "id": entry.problem.pk, "note": entry.note}
                )
            total += len(done)
        if dry_run:
            self.stdout.write(_("应升级 %(n)s 个问题") % {"n": total})
        else:
            self.stdout.write(_("已升级 %(n)s 个问题") % {"n": total})
