"""The daily reminder digest (每日工作提醒邮件): one e-mail per user and day at most.

A `DigestSent(user, day)` row is claimed in the same transaction as the mail is sent: a
second run (even a concurrent one) hits the unique constraint and skips the user; a failed
send rolls the claim back so that the next run tries again.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from keyworks.core.reminders import Reminder
from keyworks.orgs.models import RoleAssignment, User

from . import services
from .models import DigestSent

SENT, DRY_RUN, NOTHING, NO_EMAIL, ALREADY, FAILED = (
    "sent",
    "dry_run",
    "nothing",
    "no_email",
    "already",
    "failed",
)
OUTCOME_LABELS = {
    SENT: gettext_lazy("已发送"),
    DRY_RUN: gettext_lazy("将发送（试运行）"),
    NOTHING: gettext_lazy("无提醒"),
    NO_EMAIL: gettext_lazy("无邮箱，已跳过"),
    ALREADY: gettext_lazy("当日已发送"),
    FAILED: gettext_lazy("发送失败"),
}


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)


def absolute(url: str) -> str:
    return settings.KEYWORKS_BASE_URL.rstrip("/") + url


def long_date(day: datetime.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def subject(day: datetime.date, items: list[Reminder]) -> str:
    overdue = sum(1 for r in items if r.overdue)
    values = {"day": long_date(day), "count": len(items), "overdue": overdue}
    if overdue:
        return (
            ngettext(
                "【工作提醒】%(day)s 您有 %(count)s 项待办（其中 %(overdue)s 项已逾期）",
                "【工作提醒】%(day)s 您有 %(count)s 项待办（其中 %(overdue)s 项已逾期）",
                len(items),
            )
            % values
        )
    return (
        ngettext(
            "【工作提醒】%(day)s 您有 %(count)s 项待办",
            "【工作提醒】%(day)s 您有 %(count)s 项待办",
            len(items),
        )
        % values
    )


def body(user, day: datetime.date, items: list[Reminder]) -> str:
    name = user.full_name or user.username
    lines = [
        _("%(name)s，您好：") % {"name": name},
        "",
        _("截至 %(day)s，以下事项需要您办理：") % {"day": long_date(day)},
        "",
    ]
    for group in services.group(items):
        lines.append(
            _("■ %(label)s（%(count)s 项）") % {"label": group.label, "count": len(group.items)}
        )
        for reminder in group.items:
            mark = _("【逾期】") if reminder.overdue else ""
            due = (
                _("（截止 %(day)s）") % {"day": f"{reminder.due:%Y-%m-%d}"} if reminder.due else ""
            )
            lines.append(f"  · {mark}{reminder.title}{due}")
            lines.append(f"    {absolute(reminder.url)}")
        lines.append("")
    lines += [
        _("全部提醒：%(url)s") % {"url": absolute(reverse("reminders:list"))},
        "",
        _("本邮件由重点项目指挥调度平台每日自动发送，请勿直接回复。"),
    ]
    return "\n".join(lines)


def recipients(username: str | None = None):
    """Active users with a role in some programme (or just `username`)."""
    users = User.objects.filter(
        is_active=True, pk__in=RoleAssignment.objects.values("user_id")
    ).order_by("username")
    if username is not None:
        users = users.filter(username=username)
    return users


def send_digest(user, day: datetime.date, *, dry_run: bool = False) -> tuple[str, int]:
    """(outcome, number of reminders) for one user."""
    items = services.reminders_for(user, day)
    if not items:
        return NOTHING, 0
    if not (user.email or "").strip():
        return NO_EMAIL, len(items)
    if DigestSent.objects.filter(user=user, day=day).exists():
        return ALREADY, len(items)
    if dry_run:
        return DRY_RUN, len(items)
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, day=day, reminders=len(items))
            send_mail(
                subject(day, items),
                body(user, day, items),
                None,  # DEFAULT_FROM_EMAIL
                [user.email],
            )
    except IntegrityError:
        return ALREADY, len(items)  # another run claimed this user and day a moment ago
    except OSError:  # SMTP unreachable, refused …: the claim is rolled back, retry next run
        return FAILED, len(items)
    return SENT, len(items)


def run(day: datetime.date, *, dry_run: bool = False, username: str | None = None) -> Outcome:
    outcome = Outcome()
    for user in recipients(username):
        result, count = send_digest(user, day, dry_run=dry_run)
        outcome.counts[result] += 1
        if result != NOTHING:
            outcome.lines.append(
                _("%(username)s: %(count)s 项 — %(outcome)s")
                % {"username": user.username, "count": count, "outcome": OUTCOME_LABELS[result]}
            )
    return outcome
