"""Reminders for factor items with a shortfall near or past their deadline: to the
responsible unit's users and to the project's task force."""

import datetime

from django.db.models import Q
from django.urls import reverse

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
        state = "已逾期" if overdue else "即将到期"
        reminders.append(
            Reminder(
                kind="factor_shortfall",
                title=(
                    f"要素保障{state}：{item.project.name} {item.kind_label}"
                    f"缺口 {item.shortfall:f}{item.unit_label}"
                ),
                url=reverse("factors:item_edit", args=[item.pk]),
                programme_id=item.project.programme_id,
                due=item.deadline,
                overdue=overdue,
            )
        )
    return reminders
