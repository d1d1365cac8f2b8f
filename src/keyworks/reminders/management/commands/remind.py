"""`keyworks remind [--date YYYY-MM-DD] [--dry-run] [--user USERNAME]`.

Sends every user with reminders one digest e-mail for the day (Django mail; the console
backend unless KEYWORKS_EMAIL_BACKEND says otherwise). Run it daily, e.g. from cron;
running it again the same day sends nothing twice.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from keyworks.core.calendar import local_today
from keyworks.orgs.models import User
from keyworks.reminders import digest


class Command(BaseCommand):
    help = (
        "发送每日工作提醒邮件（每人每天至多一封）/ Send each user's daily reminder digest "
        "(at most once per user and day)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="提醒日期 YYYY-MM-DD，默认今天（北京时间）/ day, default today"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只列出将发送的邮件，不发送也不记录 / list only; send and record nothing",
        )
        parser.add_argument("--user", help="只处理此用户名 / only this username")

    def handle(self, *args, date, dry_run, user, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date} / Bad date") from None
        else:
            day = local_today()
        if user and not User.objects.filter(username=user).exists():
            raise CommandError(f"用户不存在：{user} / No such user")
        outcome = digest.run(day, dry_run=dry_run, username=user)
        for line in outcome.lines:
            self.stdout.write(line)
        counts = outcome.counts
        head = "试运行，未发送 / dry run, nothing sent" if dry_run else "工作提醒邮件 / digest"
        self.stdout.write(
            f"{head} {day:%Y-%m-%d}: "
            + "，".join(f"{digest.OUTCOME_LABELS[k]} {counts[k]}" for k in digest.OUTCOME_LABELS)
        )
        if counts[digest.FAILED]:
            raise CommandError(f"{counts[digest.FAILED]} 封邮件发送失败 / mails failed")
