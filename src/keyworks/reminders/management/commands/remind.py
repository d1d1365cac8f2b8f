"""`keyworks remind [--date YYYY-MM-DD] [--dry-run] [--user USERNAME]`.

Sends every user with reminders one digest e-mail for the day (Django mail; the console
backend unless KEYWORKS_EMAIL_BACKEND says otherwise). Run it daily, e.g. from cron;
running it again the same day sends nothing twice.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from keyworks.core.calendar import local_today
from keyworks.orgs.models import User
from keyworks.reminders import digest


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs text, so it is translated when read
        return _("发送每日工作提醒邮件（每人每天至多一封）")

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("提醒日期 YYYY-MM-DD，默认今天（北京时间）"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("只列出将发送的邮件，不发送也不记录"),
        )
        parser.add_argument("--user", help=_("只处理此用户名"))

    def handle(self, *args, date, dry_run, user, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    _("日期格式应为 YYYY-MM-DD：%(date)s") % {"date": date}
                ) from None
        else:
            day = local_today()
        if user and not User.objects.filter(username=user).exists():
            raise CommandError(_("用户不存在：%(username)s") % {"username": user})
        outcome = digest.run(day, dry_run=dry_run, username=user)
        for line in outcome.lines:
            self.stdout.write(line)
        counts = outcome.counts
        totals = _("，").join(
            f"{digest.OUTCOME_LABELS[k]} {counts[k]}" for k in digest.OUTCOME_LABELS
        )
        values = {"day": f"{day:%Y-%m-%d}", "totals": totals}
        if dry_run:
            self.stdout.write(_("试运行，未发送 %(day)s：%(totals)s") % values)
        else:
            self.stdout.write(_("工作提醒邮件 %(day)s：%(totals)s") % values)
        if counts[digest.FAILED]:
            raise CommandError(_("%(count)s 封邮件发送失败") % {"count": counts[digest.FAILED]})
