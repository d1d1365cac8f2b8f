"""Meeting decision reminders (工作提醒), computed from the decisions on every call.

- users of a decision's responsible unit: decisions waiting for them (issued or
  returned) whose deadline is within `NEAR_DAYS` days or has passed;
- office: decisions reported done and waiting for confirmation.
Decisions are 督办 items; the tasks app leaves them to these reminders (no double).
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from keyworks.core.calendar import SHANGHAI
from keyworks.core.reminders import Reminder, deadline_state, short
from keyworks.orgs.models import Role
from keyworks.orgs.roles import programme_ids
from keyworks.tasks.models import WAITING_FOR_UNIT, TaskStatus

from .models import Decision
from .permissions import meeting_unit_ids

NEAR_DAYS = 3


def _url(decision) -> str:
    return reverse("meetings:decision_detail", args=[decision.pk])


def _deadline_reminders(user, today: datetime.date) -> list[Reminder]:
    condition = Q(pk__in=[])
    for programme_id in programme_ids(user):
        units = meeting_unit_ids(user, programme_id)
        if units:
            condition |= Q(meeting__programme_id=programme_id, lead_unit_id__in=units)
    decisions = (
        Decision.objects.filter(condition)
        .filter(
            status__in=WAITING_FOR_UNIT,
            deadline__lte=today + datetime.timedelta(days=NEAR_DAYS),
        )
        .select_related("meeting", "lead_unit")
        .order_by("deadline", "pk")
    )
    result = []
    for d in decisions:
        overdue, state = deadline_state(d.deadline, today, pgettext("in a sentence", "完成时限"))
        result.append(
            Reminder(
                kind="decision_deadline",
                kind_label=_("调度会议定事项"),
                title=_("%(meeting)s议定事项“%(decision)s”%(state)s")
                % {"meeting": d.meeting.title, "decision": short(d.text), "state": state},
                url=_url(d),
                programme_id=d.meeting.programme_id,
                due=d.deadline,
                overdue=overdue,
                detail=_("责任单位：%(unit)s") % {"unit": d.lead_unit.name},
            )
        )
    return result


def _confirm_reminders(user, today: datetime.date) -> list[Reminder]:
    programmes = programme_ids(user, Role.OFFICE)
    if not programmes:
        return []
    decisions = (
        Decision.objects.filter(meeting__programme_id__in=programmes, status=TaskStatus.ANSWERED)
        .select_related("meeting", "lead_unit")
        .order_by("answered_at", "pk")
    )
    return [
        Reminder(
            kind="decision_confirm",
            kind_label=_("议定事项待确认"),
            title=_("%(meeting)s议定事项“%(decision)s”已报完成，待确认办结")
            % {"meeting": d.meeting.title, "decision": short(d.text)},
            url=_url(d),
            programme_id=d.meeting.programme_id,
            detail=(
                _("%(unit)s 报完成于 %(date)s")
                % {
                    "unit": d.lead_unit.name,
                    "date": f"{d.answered_at.astimezone(SHANGHAI):%Y-%m-%d}",
                }
                if d.answered_at
                else d.lead_unit.name
            ),
        )
        for d in decisions
    ]


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    return _deadline_reminders(user, today) + _confirm_reminders(user, today)
