"""Field-work services: every write checks permission, validates, writes and audits in one
transaction."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.calendar import first_of_month, local_today
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version, required_text
from keyworks.core.images import inspect_photo
from keyworks.ledger.models import Project
from keyworks.orgs.roles import is_office
from keyworks.reporting.models import COUNTED_STATUSES, MonthlyReport

from .models import (
    FieldworkSettings,
    ProgressUpdate,
    UpdatePhoto,
    Visit,
    VisitPhoto,
    VisitStatus,
)
from .permissions import can_post_update, can_record_visit, can_resolve_dispute
from .photos import local_time, photo_flags

MAX_PHOTOS = 10
TENTH = Decimal("0.1")
SETTINGS_FIELDS = ("dispute_percent", "distance_km", "update_days")


class ConcurrentEditError(BaseConcurrentEditError):
    @property
    def message(self) -> str:
        return _("该记录已被他人修改，您的修改未保存。请刷新页面后重试。")


def _audit(obj, *, by, action, project_id, programme_id, before=None, after=None, reason=""):
    record_change(
        by=by,
        action=action,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
        project_id=project_id,
        programme_id=programme_id,
    )


def _check_photo_count(photos) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("每次最多上传 %(max)s 张照片") % {"max": MAX_PHOTOS}})


# --- progress updates -----------------------------------------------------------------


@transaction.atomic
def post_update(project: Project, data: dict, photos=(), *, by) -> ProgressUpdate:
    """A task force's progress update on its own project, with photos (all or nothing)."""
    if not can_post_update(by, project):
        raise PermissionDenied(_("只有本项目专班可以填报进度更新"))
    photos = list(photos)
    _check_photo_count(photos)
    update = ProgressUpdate(
        project=project,
        text=required_text(data.get("text"), "text", _("请填写进展情况")),
        percent_complete=data.get("percent_complete"),
        problems_noticed=(data.get("problems_noticed") or "").strip(),
        posted_by=by,
        posted_at=timezone.now(),
    )
    update.full_clean(exclude=["raised_problem"])
    infos = [inspect_photo(upload) for upload in photos]  # refuse non-images before writing
    update.save()
    _audit(
        update,
        by=by,
        action="create",
        after=snapshot(update),
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    _add_update_photos(update, infos, by=by)
    return update


def _add_update_photos(update: ProgressUpdate, infos, *, by) -> None:
    for info in infos:
        photo = UpdatePhoto.objects.create(
            update=update,
            image=info.file,
            taken_at=local_time(info.taken_at),
            latitude=_coordinate(info.latitude),
            longitude=_coordinate(info.longitude),
            uploaded_by=by,
        )
        _audit(
            photo,
            by=by,
            action="create",
            after=snapshot(photo),
            project_id=update.project_id,
            programme_id=update.project.programme_id,
        )


@transaction.atomic
def add_update_photos(update: ProgressUpdate, photos, *, by) -> None:
    """More photos on an update, by the task force that posted it."""
    if not can_post_update(by, update.project):
        raise PermissionDenied(_("只有本项目专班可以上传照片"))
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": _("请选择照片")})
    _check_photo_count(photos)
    _add_update_photos(update, [inspect_photo(u) for u in photos], by=by)


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


@transaction.atomic
def link_raised_problem(update_pk, problem, *, by) -> bool:
    """Remember that `problem` was raised from a progress update (the 转为问题 hook).

    Called by the problem form after it created `problem`; does nothing (False) when the
    update is not visible to `by`, belongs to another project, or is already linked."""
    try:
        update = ProgressUpdate.objects.restrict(by).select_for_update().get(pk=update_pk)
    except (ProgressUpdate.DoesNotExist, ValueError, TypeError):
        return False
    if update.project_id != problem.project_id or update.raised_problem_id is not None:
        return False
    update.raised_problem = problem
    update.save(update_fields=["raised_problem"])
    _audit(
        update,
        by=by,
        action="raise_problem",
        before={"raised_problem": None},
        after={"raised_problem": problem.pk},
        project_id=update.project_id,
        programme_id=problem.project.programme_id,
    )
    return True


def last_update_times(programme) -> dict[int, datetime.datetime]:
    """{project id: time of its latest progress update}, one query."""
    return dict(
        ProgressUpdate.objects.filter(project__programme=programme)
        .values("project_id")
        .annotate(last=Max("posted_at"))
        .order_by()
        .values_list("project_id", "last")
    )


def is_update_overdue(last: datetime.datetime | None, days: int, now=None) -> bool:
    """No update in the last `days` days (逾期未更新)."""
    now = now or timezone.now()
    return last is None or last < now - datetime.timedelta(days=days)


# --- on-site verification ---------------------------------------------------------------


@dataclass
class Comparison:
    reported: Decimal | None
    gap_percent: Decimal | None
    status: str


def compare(project: Project, month: datetime.date, verified: Decimal, threshold) -> Comparison:
    """Verified year-to-date investment against the month report's `ytd_total` (submitted,
    reviewed or accepted). Gap = (verified − reported) / reported, in percent."""
    reported = (
        MonthlyReport.objects.filter(project=project, month=month, status__in=COUNTED_STATUSES)
        .values_list("ytd_total", flat=True)
        .first()
    )
    if reported is None:
        return Comparison(None, None, VisitStatus.UNCOMPARED)
    if reported == 0:
        gap = None if verified == 0 else Decimal("100")
        disputed = verified != 0
    else:
        gap = (Decimal(100) * (verified - reported) / reported).quantize(TENTH, ROUND_HALF_UP)
        disputed = abs(gap) > Decimal(threshold)
    return Comparison(reported, gap, VisitStatus.DISPUTED if disputed else VisitStatus.CONSISTENT)


def _check_visit_dates(month: datetime.date | None, visit_date: datetime.date | None) -> None:
    errors = {}
    today = local_today()
    if month is None:
        errors["month"] = _("请选择核验月份")
    elif month > first_of_month(today):
        errors["month"] = _("不能核验未来月份")
    if visit_date is None:
        errors["visit_date"] = _("请填写核验日期")
    elif visit_date > today:
        errors["visit_date"] = _("核验日期不能晚于今天")
    elif month is not None and visit_date < month:
        errors["visit_date"] = _("核验日期不能早于核验月份")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_visit(project: Project, data: dict, photos=(), *, by) -> Visit:
    """An inspector's (or the office's) visit, compared with the month's report and with
    each photo checked (flagged, not refused)."""
    if not can_record_visit(by, project):
        raise PermissionDenied(_("只有督导或办公室可以记录实地核验"))
    photos = list(photos)
    _check_photo_count(photos)
    month = data.get("month")
    month = first_of_month(month) if month else None
    _check_visit_dates(month, data.get("visit_date"))
    verified = data.get("verified_investment")
    if verified is None or Decimal(verified) < 0:
        raise ValidationError({"verified_investment": _("请填写不小于0的核实投资")})
    rules = FieldworkSettings.for_programme(project.programme)
    result = compare(project, month, Decimal(verified), rules.dispute_percent)
    visit = Visit(
        project=project,
        month=month,
        visit_date=data["visit_date"],
        people=required_text(data.get("people"), "people", _("请填写核验人员")),
        verified_investment=Decimal(verified),
        verified_percent=data.get("verified_percent"),
        findings=(data.get("findings") or "").strip(),
        reported_investment=result.reported,
        gap_percent=result.gap_percent,
        threshold_percent=rules.dispute_percent,
        status=result.status,
        recorded_by=by,
    )
    visit.full_clean(exclude=["resolved_by"])
    visit.save()
    _audit(
        visit,
        by=by,
        action="create",
        after=snapshot(visit),
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    _add_visit_photos(visit, photos, rules, by=by)
    return visit


def _add_visit_photos(visit: Visit, photos, rules: FieldworkSettings, *, by) -> list[VisitPhoto]:
    infos = [inspect_photo(upload) for upload in photos]
    made = []
    for info in infos:
        photo = VisitPhoto.objects.create(
            visit=visit,
            image=info.file,
            taken_at=local_time(info.taken_at),
            latitude=_coordinate(info.latitude),
            longitude=_coordinate(info.longitude),
            flags=photo_flags(
                info, project=visit.project, month=visit.month, max_km=rules.distance_km
            ),
            uploaded_by=by,
        )
        _audit(
            photo,
            by=by,
            action="create",
            after=snapshot(photo),
            project_id=visit.project_id,
            programme_id=visit.project.programme_id,
        )
        made.append(photo)
    return made


@transaction.atomic
def add_visit_photos(visit: Visit, photos, *, by) -> list[VisitPhoto]:
    project = visit.project
    if not can_record_visit(by, project):
        raise PermissionDenied(_("只有督导或办公室可以上传核验照片"))
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": _("请选择照片")})
    _check_photo_count(photos)
    return _add_visit_photos(
        visit, photos, FieldworkSettings.for_programme(project.programme), by=by
    )


@transaction.atomic
def resolve_dispute(visit: Visit, note: str, *, by, expected_version: int | None = None) -> Visit:
    """The office settles a disputed visit with a note; the red light goes out."""
    current = Visit.objects.select_for_update().select_related("project").get(pk=visit.pk)
    if not can_resolve_dispute(by, current):
        raise PermissionDenied(_("只有指挥部办公室可以处理争议"))
    check_version(current, expected_version, ConcurrentEditError)
    if current.status != VisitStatus.DISPUTED:
        raise ValidationError(_("该核验没有待处理的争议"))
    note = required_text(note, "note", _("请填写处理意见"))
    before = snapshot(current, ["status", "resolution_note", "resolved_by", "resolved_at"])
    current.status = VisitStatus.RESOLVED
    current.resolution_note = note
    current.resolved_by = by
    current.resolved_at = timezone.now()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    after = snapshot(current, ["status", "resolution_note", "resolved_by", "resolved_at"])
    _audit(
        current,
        by=by,
        action="resolve",
        before=before,
        after=after,
        reason=note,
        project_id=current.project_id,
        programme_id=current.project.programme_id,
    )
    return current


@transaction.atomic
def save_settings(programme, data: dict, *, by, expected_version: int | None = None):
    """The office edits the programme's field-work thresholds."""
    if not is_office(by, programme.pk):
        raise PermissionDenied(_("只有指挥部办公室可以修改设置"))
    current, _created = FieldworkSettings.objects.select_for_update().get_or_create(
        programme=programme
    )
    check_version(current, expected_version, ConcurrentEditError)
    before = snapshot(current, list(SETTINGS_FIELDS))
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(current, name, data[name])
    current.full_clean()
    current.version += 1
    current.save()
    b, a = diff(before, snapshot(current, list(SETTINGS_FIELDS)))
    if a:
        _audit(
            current,
            by=by,
            action="update",
            before=b,
            after=a,
            project_id=None,
            programme_id=programme.pk,
        )
    return current


# --- figures for the measures and lights (reporting/measures.py) ------------------------


@dataclass
class VerificationFigures:
    """A project's verification of one month: the latest visit's figures and the open
    disputes, each explained."""

    verified: Decimal | None = None
    reported: Decimal | None = None
    disputes: list[str] = field(default_factory=list)

    @property
    def gap_percent(self) -> Decimal | None:
        if self.verified is None or not self.reported:
            return None
        return (Decimal(100) * (self.verified - self.reported) / self.reported).quantize(
            TENTH, ROUND_HALF_UP
        )


def dispute_reason(visit: Visit) -> str:
    gap = "—" if visit.gap_percent is None else f"{visit.gap_percent:+}%"
    return (
        f"{visit.visit_date:%Y-%m-%d} 实地核验{visit.month.year}年{visit.month.month}月"
        f"年度累计完成投资 {visit.verified_investment} 万元，月报 {visit.reported_investment}"
        f" 万元，差异 {gap}（红灯：核验争议，阈值 {visit.threshold_percent.normalize():f}%）"
    )


def verification_figures(
    programme, month: datetime.date, project_ids=None
) -> dict[int, VerificationFigures]:
    """{project id: figures} for the programme's visits of `month` (of the projects in
    `project_ids` when given), in one query."""
    result: dict[int, VerificationFigures] = {}
    visits = Visit.objects.filter(project__programme=programme, month=first_of_month(month))
    if project_ids is not None:
        visits = visits.filter(project_id__in=project_ids)
    visits = visits.only(
        "project_id",
        "month",
        "visit_date",
        "verified_investment",
        "reported_investment",
        "gap_percent",
        "threshold_percent",
        "status",
    ).order_by("project_id", "visit_date", "id")
    for visit in visits:
        figures = result.setdefault(visit.project_id, VerificationFigures())
        if visit.reported_investment is not None:  # the latest compared visit wins
            figures.verified = visit.verified_investment
            figures.reported = visit.reported_investment
        if visit.status == VisitStatus.DISPUTED:
            figures.disputes.append(dispute_reason(visit))
    return result
