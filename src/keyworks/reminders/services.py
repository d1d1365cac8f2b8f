"""The reminder list (工作提醒清单): every app's reminders for one user, sorted and grouped.

Each app that gives people things to do by a deadline has a module
`keyworks.<app>.reminders` with `reminders_for(user, today)`. Apps are looked up by name so
that an app without reminders (or not written yet) is simply skipped.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from keyworks.core.reminders import Reminder

from .permissions import can_receive_reminders

# Apps whose `<app>.reminders` module is collected, in this order.
APPS = ("reporting", "coordination", "targets", "fieldwork", "tasks", "meetings", "factors")

# Group headings for the kinds known here; a provider may name others with `kind_label`.
KIND_LABELS = {
    "report_due": gettext_lazy("月报待填报"),
    "report_returned": gettext_lazy("退回待修改的月报"),
    "report_review": gettext_lazy("待县区审核的月报"),
    "report_accept": gettext_lazy("待办公室采纳的月报"),
    "correction_pending": gettext_lazy("待审批的更正申请"),
    "problem_deadline": gettext_lazy("临近或超过时限的问题"),
    "problem_closeout": gettext_lazy("已解决待销号的问题"),
    "factor_shortfall": gettext_lazy("要素保障缺口"),
}


@dataclass
class Group:
    kind: str
    label: str
    items: list[Reminder]

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.items if r.overdue)


def providers() -> list:
    """The `reminders_for` function of every app that has a reminders module."""
    found = []
    for app in APPS:
        name = f"keyworks.{app}.reminders"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not (name == exc.name or name.startswith(f"{exc.name}.")):
                raise  # the module exists but one of its own imports is missing
            continue
        provider = getattr(module, "reminders_for", None)
        if provider is not None:
            found.append(provider)
    return found


def sort_key(reminder: Reminder):
    """Overdue first, then by due date (undated last), then by title."""
    return (
        not reminder.overdue,
        reminder.due is None,
        reminder.due or datetime.date.max,
        reminder.title,
    )


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    """Everything the user should act on as of `today` (Asia/Shanghai), most urgent first."""
    if not can_receive_reminders(user):
        return []
    items: list[Reminder] = []
    for provider in providers():
        items.extend(provider(user, today))
    return sorted(items, key=sort_key)


def label_of(reminder: Reminder) -> str:
    return str(reminder.kind_label or KIND_LABELS.get(reminder.kind, reminder.kind))


def group(reminders: list[Reminder]) -> list[Group]:
    """Groups by kind, in the order of each kind's most urgent item; sorting kept inside."""
    groups: dict[str, Group] = {}
    for reminder in reminders:
        if reminder.kind not in groups:
            groups[reminder.kind] = Group(reminder.kind, label_of(reminder), [])
        groups[reminder.kind].items.append(reminder)
    return list(groups.values())
