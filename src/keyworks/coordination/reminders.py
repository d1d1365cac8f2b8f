"""Problem reminders (工作提醒), computed from the problems on every call.

- users of the lead or an assisting unit, and the project's task force: problems still
  being handled whose deadline is within `NEAR_DAYS` days or has passed;
- office: problems resolved by the units and waiting for close-out (销号).
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from keyworks.core.calendar import SHANGHAI
from keyworks.core.reminders import Reminder, deadline_state, short
from keyworks.orgs.models import Role
from keyworks.orgs.roles import own_task_force_ids, own_unit_ids, programme_ids

from .models import HANDLING_STATUSES, Problem, ProblemStatus

NEAR_DAYS = 3


def _url(problem: Problem) -> str:
    return reverse("coordination:problem_detail", args=[problem.pk])


def _deadline_reminders(user, today: datetime.date) -> list[Reminder]:
    units = own_unit_ids(user)
    task_forces = own_task_force_ids(user)
    if not units and not task_forces:
        return []
    mine = Q(
        project__task_force_id__in=task_forces,
        project__programme_id__in=programme_ids(user, Role.TASKFORCE),
    )
    if units:
        mine |= Q(project__programme_id__in=programme_ids(user, Role.DEPARTMENT)) & (
            Q(lead_unit_id__in=units) | Q(assisting_units__in=units)
        )
    ids = Problem.objects.filter(mine).values("pk")
    problems = (
        Problem.objects.restrict(user)
        .filter(
            pk__in=ids,
            status__in=HANDLING_STATUSES,
            deadline__lte=today + datetime.timedelta(days=NEAR_DAYS),
            project__archived_at__isnull=True,
        )
        .select_related("project")
        .order_by("deadline", "pk")
    )
    result = []
    for problem in problems:
        limit = pgettext("in a sentence", "办理时限")
        overdue, state = deadline_state(problem.deadline, today, limit)
        result.append(
            Reminder(
                kind="problem_deadline",
                title=_("%(project)s：问题“%(problem)s”%(state)s")
                % {
                    "project": problem.project.name,
                    "problem": short(problem.description),
                    "state": state,
                },
                url=_url(problem),
                programme_id=problem.project.programme_id,
                due=problem.deadline,
                overdue=overdue,
                detail=_("状态：%(status)s") % {"status": problem.get_status_display()},
            )
        )
    return result


def _closeout_reminders(user, today: datetime.date) -> list[Reminder]:
    programmes = programme_ids(user, Role.OFFICE)
    if not programmes:
        return []
    problems = (
        Problem.objects.filter(project__programme_id__in=programmes, status=ProblemStatus.RESOLVED)
        .select_related("project")
        .order_by("resolved_at", "pk")
    )
    return [
        Reminder(
            kind="problem_closeout",
            title=_("%(project)s：问题“%(problem)s”已解决，待核实销号")
            % {"project": p.project.name, "problem": short(p.description)},
            url=_url(p),
            programme_id=p.project.programme_id,
            detail=_("解决于 %(date)s") % {"date": f"{p.resolved_at.astimezone(SHANGHAI):%Y-%m-%d}"}
            if p.resolved_at
            else "",
        )
        for p in problems
    ]


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    return _deadline_reminders(user, today) + _closeout_reminders(user, today)
