"""Pausing and resuming projects (暂停/恢复): office only, audited. A paused project gets a
grey warning light and is left out of the rolled-up measures."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyworks.audit.services import record_change, snapshot
from keyworks.ledger.models import Project

from .models import ProjectPause
from .permissions import require_pause_project


def open_pause(project: Project) -> ProjectPause | None:
    return ProjectPause.objects.filter(project=project, ended_at__isnull=True).first()


def _audit(pause: ProjectPause, *, by, action, before=None, after=None, reason=""):
    record_change(
        by=by,
        action=action,
        obj=pause,
        before=before,
        after=after,
        reason=reason,
        project_id=pause.project_id,
        programme_id=pause.project.programme_id,
    )


@transaction.atomic
def pause_project(
    project: Project, *, by, reason: str, review_date: datetime.date | None = None
) -> ProjectPause:
    """Put a project on hold. The reason is mandatory; a paused project cannot be paused
    again until it is resumed."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_pause_project(by, project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写暂停原因")})
    if open_pause(project) is not None:
        raise ValidationError({"reason": _("该项目已处于暂停状态")})
    pause = ProjectPause.objects.create(
        project=project,
        reason=reason,
        review_date=review_date,
        started_at=timezone.now(),
        by=by,
    )
    _audit(pause, by=by, action="pause", after=snapshot(pause), reason=reason)
    return pause


@transaction.atomic
def resume_project(project: Project, *, by, reason: str = "") -> ProjectPause:
    """End the project's open pause."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_pause_project(by, project)
    pause = open_pause(project)
    if pause is None:
        raise ValidationError(_("该项目未暂停"))
    before = snapshot(pause, ["ended_at", "ended_by"])
    pause.ended_at = timezone.now()
    pause.ended_by = by
    pause.save(update_fields=["ended_at", "ended_by"])
    _audit(
        pause,
        by=by,
        action="resume",
        before=before,
        after=snapshot(pause, ["ended_at", "ended_by"]),
        reason=(reason or "").strip(),
    )
    return pause
