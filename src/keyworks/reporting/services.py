"""Monthly report services: every write checks, validates, writes and audits in one
transaction."""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.calendar import (
    SHANGHAI,
    SPAN,
    first_of_month,
    in_range,
    local_today,
    next_month,
)
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version
from keyworks.ledger.models import Project

from .models import (
    COUNTED_STATUSES,
    CorrectionRequest,
    CorrectionStatus,
    MonthlyReport,
    ReportStatus,
)
from .permissions import require_report

DRAFT_FIELDS = (
    "completed_this_month",
    "milestones_reached",
    "output_figures",
    "progress_text",
    "next_plan_investment",
    "next_plan_milestones",
    "next_plan_content",
)
MONEY_FIELDS = ("completed_this_month", "next_plan_investment")


class ConcurrentEditError(BaseConcurrentEditError):
    """Somebody saved the report after this user opened it."""

    message = gettext_lazy("该月报已被他人修改，您的修改未保存。请刷新页面查看最新内容后重新填写。")


class ReportExistsError(ConcurrentEditError):
    """Content sent to start a report that somebody else has started meanwhile."""

    message = gettext_lazy("该月报已存在，内容未保存。请读取该月报，并带上其 version 保存修改。")


def due_at(programme, month: datetime.date) -> datetime.datetime:
    """23:59:59 Asia/Shanghai on the programme's due day of the month after `month`."""
    following = next_month(month)
    last_day = calendar.monthrange(following.year, following.month)[1]
    day = min(max(programme.report_due_day, 1), last_day)
    return datetime.datetime(following.year, following.month, day, 23, 59, 59, tzinfo=SHANGHAI)


def check_month(month: datetime.date) -> datetime.date:
    month = first_of_month(month)
    if not in_range(month):
        raise ValidationError({"month": _("月份应在 %(SPAN)s 年之间") % {"SPAN": SPAN}})
    if month > first_of_month(local_today()):
        raise ValidationError({"month": _("不能填报未来月份的月报")})
    return month


def _report_snapshot(report: MonthlyReport) -> dict:
    data = snapshot(report)
    for key in ("created_at", "updated_at", "version"):
        data.pop(key, None)
    return data


def _audit(report, *, by, action, before=None, after=None, reason=""):
    record_change(
        by=by,
        action=action,
        obj=report,
        before=before,
        after=after,
        reason=reason,
        project_id=report.project_id,
        programme_id=report.project.programme_id,
    )


def _locked(report: MonthlyReport) -> MonthlyReport:
    return (
        MonthlyReport.objects.select_for_update()
        .select_related("project", "project__programme")
        .get(pk=report.pk)
    )


def _bump(report: MonthlyReport) -> MonthlyReport:
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    return report


@transaction.atomic
def start_report(
    project: Project, month: datetime.date, *, by, permission: str = "edit"
) -> MonthlyReport:
    """The draft for (project, month), created if missing; starting twice gives one report.
    `permission` is "import" when the office enters a template on a task force's behalf."""
    return _start(project, month, by=by, permission=permission)[0]


@transaction.atomic
def start_draft(
    project: Project,
    month: datetime.date,
    data: dict,
    *,
    by,
    expected_version: int | None = None,
) -> tuple[MonthlyReport, bool]:
    """Start the draft for (project, month) and save `data` on it, all or nothing; returns
    (report, created). Only the caller that created the report gets created=True. A report
    that already existed is returned unchanged when `data` is empty; its content changes
    only with the `expected_version` its editor read (else ReportExistsError, 409), so that
    people starting the same draft at once never overwrite each other unseen."""
    report, created = _start(project, month, by=by)
    if data:
        if not created and expected_version is None:
            require_report(by, "edit", report)
            raise ReportExistsError()
        version = report.version if created else expected_version
        report = save_draft(report, data, by=by, expected_version=version)
    return report, created


def _start(project, month, *, by, permission: str = "edit") -> tuple[MonthlyReport, bool]:
    month = check_month(month)
    existing = MonthlyReport.objects.filter(project=project, month=month).first()
    if existing is not None:
        require_report(by, "view", existing)
        return existing, False
    require_report(by, permission, MonthlyReport(project=project, month=month))
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(project=project, month=month)
    except IntegrityError:  # somebody created it a moment ago
        return MonthlyReport.objects.get(project=project, month=month), False
    _audit(report, by=by, action="create", after=_report_snapshot(report))
    return report, True


def _validate_amounts(data: dict) -> None:
    errors = {}
    for field in MONEY_FIELDS:
        value = data.get(field)
        if value is not None and Decimal(value) < 0:
            label = MonthlyReport._meta.get_field(field).verbose_name
            errors[field] = _("%(label)s不能为负数") % {"label": label}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_draft(
    report: MonthlyReport,
    data: dict,
    *,
    by,
    expected_version: int | None = None,
    permission: str = "edit",
    reason: str = "",
) -> MonthlyReport:
    """Save the fields in `data` on a draft (or returned) report of the user's task force
    (`permission="import"`: or of any project, by the office, from a monthly template)."""
    current = _locked(report)
    if current.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        require_report(by, "view", current)
        raise PermissionDenied(_("月报已提交或已采纳，不能直接修改；如需更正请提出更正申请。"))
    require_report(by, permission, current)
    check_version(current, expected_version, ConcurrentEditError)
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    _validate_amounts(data)
    before = _report_snapshot(current)
    for field, value in data.items():
        setattr(current, field, value)
    current.full_clean(exclude=["project", "submitted_by", "reviewed_by", "decided_by"])
    _bump(current)
    b, a = diff(before, _report_snapshot(current))
    if a:
        _audit(current, by=by, action="update", before=b, after=a, reason=reason)
    return current


def compute_totals(report: MonthlyReport) -> tuple[Decimal, Decimal]:
    """(year-to-date, since-start) totals including `report`, from the project's counted
    earlier reports."""
    earlier = MonthlyReport.objects.filter(
        project_id=report.project_id, month__lt=report.month, status__in=COUNTED_STATUSES
    ).exclude(pk=report.pk)
    since = earlier.aggregate(s=Sum("completed_this_month"))["s"] or Decimal("0")
    ytd = earlier.filter(month__year=report.month.year).aggregate(s=Sum("completed_this_month"))[
        "s"
    ] or Decimal("0")
    this = report.completed_this_month
    return ytd + this, since + this


@transaction.atomic
def submit(report: MonthlyReport, *, by, expected_version: int | None = None) -> MonthlyReport:
    """Submit a draft. Submitting an already submitted report changes nothing."""
    current = _locked(report)
    if current.status in COUNTED_STATUSES:
        require_report(by, "view", current)
        return current  # idempotent: a double click submits once
    require_report(by, "submit", current)
    check_version(current, expected_version, ConcurrentEditError)
    check_month(current.month)
    if current.completed_this_month < 0 or current.next_plan_investment < 0:
        raise ValidationError({"completed_this_month": _("金额不能为负数")})
    ytd, since = compute_totals(current)
    later = (
        MonthlyReport.objects.filter(
            project_id=current.project_id,
            month__gt=current.month,
            month__year=current.month.year,
            status__in=COUNTED_STATUSES,
            ytd_total__lt=ytd,
        )
        .order_by("month")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "completed_this_month": _(
                    "本月完成投资使年度累计（%(ytd)s万元）超过%(year)s年%(month)s月已报的年度累计"
                    "（%(later)s万元），累计数将倒减，请核实。"
                )
                % {
                    "ytd": ytd,
                    "year": later.month.year,
                    "month": f"{later.month:%m}",
                    "later": later.ytd_total,
                }
            }
        )
    before = _report_snapshot(current)
    now = timezone.now()
    current.status = ReportStatus.SUBMITTED
    current.ytd_total = ytd
    current.since_start_total = since
    current.submitted_at = now
    current.submitted_by = by
    current.is_late = current.is_late or now > due_at(current.project.programme, current.month)
    _bump(current)
    b, a = diff(before, _report_snapshot(current))
    _audit(current, by=by, action="submit", before=b, after=a)
    return current


def _transition(report, *, by, action, permission, apply, reason=""):
    current = _locked(report)
    require_report(by, permission, current)
    before = _report_snapshot(current)
    apply(current)
    _bump(current)
    b, a = diff(before, _report_snapshot(current))
    _audit(current, by=by, action=action, before=b, after=a, reason=reason)
    return current


@transaction.atomic
def review(report: MonthlyReport, *, by, comment: str = "") -> MonthlyReport:
    """The district coordinator's review of a submitted report."""

    def apply(r):
        r.status = ReportStatus.REVIEWED
        r.reviewed_by = by
        r.reviewed_at = timezone.now()
        r.review_comment = comment

    return _transition(report, by=by, action="review", permission="review", apply=apply)


def _carry_to_ledger(report: MonthlyReport, amount: Decimal, *, by, reason: str) -> None:
    """Move the project's 累计完成投资 by `amount` in the caller's transaction, audited and
    versioned like any ledger change: accepting a report adds the month's completion,
    reopening an accepted one takes it back out."""
    if not amount:
        return
    project = Project.objects.select_for_update().get(pk=report.project_id)
    before = project.completed_investment
    after = max(before + amount, Decimal("0"))
    Project.objects.filter(pk=project.pk).update(
        completed_investment=after, version=F("version") + 1
    )
    record_change(
        by=by,
        action="carry_report",
        obj=project,
        before={"completed_investment": str(before)},
        after={"completed_investment": str(after)},
        reason=reason,
        project_id=project.pk,
        programme_id=project.programme_id,
    )


@transaction.atomic
def accept(report: MonthlyReport, *, by, comment: str = "") -> MonthlyReport:
    """The office accepts a report: it counts in the measures from now on, and its month's
    completion is added to the project's 累计完成投资 in the ledger."""
    was_accepted = _locked(report).status == ReportStatus.ACCEPTED  # locked: carried once

    def apply(r):
        r.status = ReportStatus.ACCEPTED
        r.decided_by = by
        r.decided_at = timezone.now()
        r.decision_comment = comment

    current = _transition(report, by=by, action="accept", permission="accept", apply=apply)
    if not was_accepted:
        _carry_to_ledger(
            current,
            current.completed_this_month,
            by=by,
            reason=f"采纳{current.month:%Y年%m月}月报",
        )
    return current


@transaction.atomic
def return_report(report: MonthlyReport, *, by, comment: str) -> MonthlyReport:
    if not comment.strip():
        raise ValidationError({"comment": _("退回时请填写意见")})

    def apply(r):
        r.status = ReportStatus.RETURNED
        r.decided_by = by
        r.decided_at = timezone.now()
        r.decision_comment = comment

    return _transition(
        report, by=by, action="return", permission="return", apply=apply, reason=comment
    )


@transaction.atomic
def request_correction(report: MonthlyReport, *, by, reason: str) -> CorrectionRequest:
    current = _locked(report)
    require_report(by, "request_correction", current)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写更正理由")})
    if current.corrections.filter(status=CorrectionStatus.PENDING).exists():
        raise ValidationError({"reason": _("已有待审批的更正申请")})
    correction = CorrectionRequest.objects.create(report=current, reason=reason, requested_by=by)
    _audit(
        current,
        by=by,
        action="request_correction",
        after={"correction": correction.pk},
        reason=reason,
    )
    return correction


@transaction.atomic
def decide_correction(
    correction: CorrectionRequest, *, by, approve: bool, comment: str = ""
) -> CorrectionRequest:
    """The office approves (report reopens as a draft; its history stays) or rejects."""
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    report = _locked(correction.report)
    require_report(by, "decide_correction", report)
    if correction.status != CorrectionStatus.PENDING:
        raise ValidationError(_("该更正申请已处理"))
    correction.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    correction.decided_by = by
    correction.decided_at = timezone.now()
    correction.decision_comment = comment
    correction.save()
    if approve:
        before = _report_snapshot(report)
        if report.status == ReportStatus.ACCEPTED:
            _carry_to_ledger(
                report,
                -report.completed_this_month,
                by=by,
                reason=f"{report.month:%Y年%m月}月报更正，撤回已采纳的完成投资",
            )
        report.status = ReportStatus.DRAFT
        _bump(report)
        b, a = diff(before, _report_snapshot(report))
        _audit(
            report,
            by=by,
            action="approve_correction",
            before=b,
            after=a,
            reason=correction.reason,
        )
    else:
        _audit(
            report,
            by=by,
            action="reject_correction",
            after={"correction": correction.pk},
            reason=comment,
        )
    return correction
