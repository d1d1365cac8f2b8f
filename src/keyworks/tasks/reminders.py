"""Task reminders (工作提醒), computed from the tasks on every call.

- users of the lead unit: tasks waiting for their answer (issued or returned) whose
  deadline is within `NEAR_DAYS` days or has passed;
- issuers: answered tasks waiting for their acceptance (验收).
Meeting decisions are left to the meetings app's reminders (they name the meeting and
reach the whole office), so no one is reminded twice.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from keyworks.core.calendar import SHANGHAI
from keyworks.core.reminders import Reminder, deadline_state, short
from keyworks.orgs.roles import programme_ids

from .models import WAITING_FOR_UNIT, Task, TaskKind, TaskStatus
from .permissions import task_unit_ids

NEAR_DAYS = 3


def _url(task: Task) -> str:
    return reverse("tasks:task_detail", args=[task.pk])


def _deadline_reminders(user, today: datetime.date) -> list[Reminder]:
    mine = Q()
    for programme_id in programme_ids(user):
        units = task_unit_ids(user, programme_id)
        if units:
            mine |= Q(programme_id=programme_id, lead_unit_id__in=units)
    if not mine:
        return []
    tasks = (
        Task.objects.filter(mine)
        .exclude(kind=TaskKind.DECISION)
        .filter(
            status__in=WAITING_FOR_UNIT, deadline__lte=today + datetime.timedelta(days=NEAR_DAYS)
        )
        .order_by("deadline", "pk")
    )
    result = []
    for task in tasks:
        overdue, state = deadline_state(task.deadline, today, pgettext("in a sentence", "办理时限"))
        result.append(
            Reminder(
                kind="task_deadline",
                kind_label=_("督办事项待反馈"),
                title=_("%(kind)s“%(task)s”%(state)s")
                % {"kind": task.get_kind_display(), "task": short(task.text), "state": state},
                url=_url(task),
                programme_id=task.programme_id,
                due=task.deadline,
                overdue=overdue,
                detail=_("状态：%(status)s") % {"status": task.get_status_display()},
            )
        )
    return result


def _acceptance_reminders(user, today: datetime.date) -> list[Reminder]:
    tasks = (
        Task.objects.exclude(kind=TaskKind.DECISION)
        .filter(
            issued_by_id=user.pk,
            status=TaskStatus.ANSWERED,
            programme_id__in=programme_ids(user),
        )
        .select_related("lead_unit")
    )
    return [
        Reminder(
            kind="task_acceptance",
            kind_label=_("督办事项待验收"),
            title=_("%(unit)s已反馈%(kind)s“%(task)s”，待验收")
            % {"unit": t.lead_unit.name, "kind": t.get_kind_display(), "task": short(t.text)},
            url=_url(t),
            programme_id=t.programme_id,
            due=t.deadline,
            detail=(
                _("反馈于 %(date)s") % {"date": f"{t.answered_at.astimezone(SHANGHAI):%Y-%m-%d}"}
                if t.answered_at
                else ""
            ),
        )
        for t in tasks.order_by("answered_at", "pk")
    ]


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    if not getattr(user, "is_authenticated", False):
        return []
    return _deadline_reminders(user, today) + _acceptance_reminders(user, today)
