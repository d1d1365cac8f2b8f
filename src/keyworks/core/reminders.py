"""What every app's reminder provider returns.

Each app that has something for a user to do exposes `keyworks.<app>.reminders.
reminders_for(user, today) -> Iterable[Reminder]`; the reminders app collects them.
Reminders are computed from the data on every call: there is nothing to keep in step.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Reminder:
    kind: str  # stable key, e.g. "report_due", "problem_overdue"
    title: str  # what the user reads (Chinese first)
    url: str  # where the user acts on it
    programme_id: int
    due: datetime.date | None = None
    overdue: bool = False
    kind_label: str = ""  # heading of the kind's group; services.KIND_LABELS is the fallback
    detail: str = ""  # one more line: project, status, who is waiting


def short(text: str, size: int = 40) -> str:
    """`text` cut to `size` characters with an ellipsis, for a reminder's title."""
    return text if len(text) <= size else text[: size - 1] + "…"


def deadline_state(deadline: datetime.date, today: datetime.date, limit: str) -> tuple[bool, str]:
    """(overdue?, the words a title ends with): "已超过<limit> 3 天" or "将于 05月06日 到期"."""
    if deadline < today:
        return True, _("已超过%(limit)s %(days)s 天") % {
            "limit": limit,
            "days": (today - deadline).days,
        }
    return False, _("将于 %(month)s月%(day)s日 到期") % {
        "month": f"{deadline:%m}",
        "day": f"{deadline:%d}",
    }
