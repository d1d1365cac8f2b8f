"""Reminders from annual targets: the office's targets awaiting review; a task force's
target for its programme's year not yet submitted, or returned to fix. Computed from the
data on every call."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.core.reminders import Reminder
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role
from keyworks.orgs.roles import own_task_force_ids, programme_ids

from .models import AnnualTarget, TargetStatus

REVIEW = "target_review"
MISSING = "target_missing"
RETURNED = "target_returned"
LABELS = {
    REVIEW: gettext_lazy("待审核的年度目标"),
    MISSING: gettext_lazy("未提交的年度目标"),
    RETURNED: gettext_lazy("退回待修改的年度目标"),
}


def project_url(project: Project, year: int) -> str:
    return reverse("targets:project", kwargs={"project_pk": project.pk, "year": year})


def _office(user) -> list[Reminder]:
    programmes = programme_ids(user, Role.OFFICE)
    if not programmes:
        return []
    waiting = (
        AnnualTarget.objects.filter(
            project__programme_id__in=programmes,
            project__archived_at__isnull=True,
            status=TargetStatus.SUBMITTED,
        )
        .select_related("project")
        .order_by("submitted_at", "pk")
    )
    return [
        Reminder(
            kind=REVIEW,
            title=_("%(project)s：%(year)s年度目标（第%(revision)s版）待审核")
            % {"project": t.project.name, "year": t.year, "revision": t.revision},
            url=reverse("targets:review", kwargs={"pk": t.pk}),
            programme_id=t.project.programme_id,
            kind_label=str(LABELS[REVIEW]),
            detail=(_("调整理由：%(reason)s") % {"reason": t.reason})[:200] if t.reason else "",
        )
        for t in waiting
    ]


def _task_force(user) -> list[Reminder]:
    task_forces = own_task_force_ids(user)
    if not task_forces:
        return []
    projects = list(
        Project.objects.filter(task_force_id__in=task_forces, archived_at__isnull=True)
        .select_related("programme")
        .order_by("seq", "pk")
    )
    years = {p.pk: p.programme.year for p in projects}
    latest: dict[int, AnnualTarget] = {}
    for target in AnnualTarget.objects.filter(project__in=projects).order_by("revision"):
        if target.year == years[target.project_id]:
            latest[target.project_id] = target
    result = []
    for project in projects:
        year = project.programme.year
        target = latest.get(project.pk)
        if target is not None and target.status == TargetStatus.RETURNED:
            kind = RETURNED
            title = _("%(project)s：%(year)s年度目标被退回，请按意见修改后重新提交") % {
                "project": project.name,
                "year": year,
            }
        elif target is None or target.status == TargetStatus.DRAFT:
            kind = MISSING
            title = _("%(project)s：%(year)s年度目标尚未提交") % {
                "project": project.name,
                "year": year,
            }
        else:
            continue
        result.append(
            Reminder(
                kind=kind,
                title=title,
                url=project_url(project, year),
                programme_id=project.programme_id,
                kind_label=str(LABELS[kind]),
            )
        )
    return result


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    return _office(user) + _task_force(user)
