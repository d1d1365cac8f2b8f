"""Field-work reminders (工作提醒), computed from the data on every call.

- task force: a progress update is due when its project has none in the programme's
  update period (default 14 days); shown from 2 days before, overdue after.
- inspector: verifications due — every current project is to be visited at least once
  per calendar quarter; a project with no visit dated in the current quarter is listed,
  due on the quarter's last day.
- office: disputed visits awaiting resolution.
Archived projects are left out.
"""

import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.core.calendar import SHANGHAI
from keyworks.core.reminders import Reminder
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role
from keyworks.orgs.roles import own_task_force_ids, programme_ids

from .models import FieldworkSettings, ProgressUpdate, Visit, VisitStatus

SOON_DAYS = 2
UPDATE_LABEL = gettext_lazy("待填报的进度更新")
VISIT_LABEL = gettext_lazy("本季度待实地核验的项目")
DISPUTE_LABEL = gettext_lazy("待处理的核验争议")


def quarter_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = datetime.date(today.year, first_month, 1)
    following = datetime.date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def _update_reminders(user, today) -> list[Reminder]:
    task_forces = own_task_force_ids(user)
    if not task_forces:
        return []
    projects = list(
        # Updates are owed during the programme's year (the next year has its own).
        Project.objects.filter(
            task_force_id__in=task_forces, archived_at__isnull=True, programme__year=today.year
        )
        .select_related("programme")
        .order_by("seq")
    )
    last = dict(
        ProgressUpdate.objects.filter(project__in=projects)
        .values("project_id")
        .annotate(last=Max("posted_at"))
        .order_by()
        .values_list("project_id", "last")
    )
    days = {}
    result = []
    for project in projects:
        if project.programme_id not in days:
            days[project.programme_id] = FieldworkSettings.for_programme(project.programme)
        period = days[project.programme_id].update_days
        posted = last.get(project.pk)
        due = today if posted is None else posted.astimezone(SHANGHAI).date()
        if posted is not None:
            due += datetime.timedelta(days=period)
        if due - datetime.timedelta(days=SOON_DAYS) > today:
            continue
        if posted is None:
            since = _("尚无进度更新")
        else:
            since = _("上次更新 %(day)s") % {"day": f"{posted.astimezone(SHANGHAI):%m-%d}"}
        result.append(
            Reminder(
                kind="update_due",
                title=_("%(project)s：请填报进度更新（每%(days)s天）")
                % {"project": project.name, "days": period},
                url=reverse("fieldwork:project_updates", args=[project.pk]),
                programme_id=project.programme_id,
                due=due,
                overdue=due < today,
                kind_label=str(UPDATE_LABEL),
                detail=since,
            )
        )
    return result


def _visit_reminders(user, today) -> list[Reminder]:
    programmes = programme_ids(user, Role.INSPECTOR)
    if not programmes:
        return []
    start, end = quarter_bounds(today)
    visited = Visit.objects.filter(visit_date__gte=start, visit_date__lte=end).values("project_id")
    projects = (
        Project.objects.filter(
            programme_id__in=programmes, archived_at__isnull=True, programme__year=today.year
        )
        .exclude(pk__in=visited)
        .order_by("programme_id", "seq")
        .only("pk", "name", "programme_id")
    )
    return [
        Reminder(
            kind="verification_due",
            title=_("%(project)s：本季度尚未实地核验") % {"project": p.name},
            url=reverse("fieldwork:visit_new", args=[p.pk]),
            programme_id=p.programme_id,
            due=end,
            kind_label=str(VISIT_LABEL),
        )
        for p in projects
    ]


def _dispute_reminders(user, today) -> list[Reminder]:
    programmes = programme_ids(user, Role.OFFICE)
    if not programmes:
        return []
    visits = (
        Visit.objects.filter(project__programme_id__in=programmes, status=VisitStatus.DISPUTED)
        .select_related("project")
        .order_by("visit_date", "pk")
    )
    return [
        Reminder(
            kind="verification_disputed",
            title=_("%(project)s：%(month)s 核验投资与月报不符，待处理")
            % {"project": v.project.name, "month": f"{v.month:%Y-%m}"},
            url=reverse("fieldwork:visit_detail", args=[v.pk]),
            programme_id=v.project.programme_id,
            due=None,  # a dispute waits for the office, it has no deadline of its own
            kind_label=str(DISPUTE_LABEL),
            detail=(
                _("核验于 %(day)s · 差异 %(gap)s%%")
                % {"day": f"{v.visit_date:%Y-%m-%d}", "gap": v.gap_percent}
                if v.gap_percent is not None
                else _("核验于 %(day)s") % {"day": f"{v.visit_date:%Y-%m-%d}"}
            ),
        )
        for v in visits
    ]


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    return (
        _update_reminders(user, today)
        + _visit_reminders(user, today)
        + (_dispute_reminders(user, today))
    )
