"""The reminder list (工作提醒清单) keeps no reminders: they are computed from the data.
Only the daily digest e-mail leaves a trace, so that it goes out at most once a day."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    """One user's daily digest for one day; the unique constraint is the idempotency key
    (a second run, even a concurrent one, cannot claim the same user and day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("提醒日期"))
    reminders = models.PositiveIntegerField(_("提醒条数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "user_id"]
        verbose_name = _("提醒邮件")
        verbose_name_plural = _("提醒邮件")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day:%Y-%m-%d}"
