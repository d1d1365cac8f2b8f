"""Reminders for factor items with a shortfall near or past their deadline: to the
responsible unit's users and to the project's task force."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from keyworks.core.reminders import Reminder
from keyworks.orgs.models import Role
from keyworks.orgs.roles import own_task_force_ids, own_unit_ids, programme_ids

from .models import FactorItem
from .services import with_shortfall

# How far ahead a deadline counts as near.
NEAR_DAYS = 7


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    units = own_unit_ids(user)
    task_forces = own_task_force_ids(user)
    if not units and not task_forces:
        return []
    mine = Q(project__task_force_id__in=task_forces)
    if units:
        departments = programme_ids(user, Role.DEPARTMENT)
        mine |= Q(responsible_unit_id__in=units, project__programme_id__in=departments)
    items = (
        with_shortfall(FactorItem.objects.filter(mine))
        .filter(
            project__programme_id__in=programme_ids(user),
            project__archived_at=None,
            deadline__isnull=False,
            deadline__lte=today + datetime.timedelta(days=NEAR_DAYS),
        )
        .select_related("project")
        .order_by("deadline", "id")
    )
    reminders = []
    for item in items:
        overdue = item.deadline < today
        title = (
            _("要素保障已逾期：%(project)s %(kind)s缺口 %(shortfall)s%(unit)s")
            if overdue
            else _("要素保障即将到期：%(project)s %(kind)s缺口 %(shortfall)s%(unit)s")
        )
        values = {
            "project": item.project.name,
            "kind": item.kind_label,
            "shortfall": f"{item.shortfall:f}",
            "unit": item.unit_label,
        }
        reminders.append(
            Reminder(
                kind="factor_shortfall",
                title=title % values,
                url=reverse("factors:item_edit", args=[item.pk]),
                programme_id=item.project.programme_id,
                due=item.deadline,
                overdue=overdue,
            )
        )
    return reminders
