"""Monthly report services: every write checks, validates, writes and audits in one
transaction."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

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
from keyworks.core.errors import check_version, insert_first
from keyworks.core.imports import ImportIssue, ImportRefused
from keyworks.ledger.models import Programme, Project

from . import since_start
from .models import (
    COUNTED_STATUSES,
    CorrectionRequest,
    CorrectionStatus,
    MonthlyReport,
    ProjectPause,
    ReportStatus,
    WarningRules,
)
from .permissions import (
    can_report,
    require_edit_warning_rules,
    require_import_reports,
    require_pause_project,
    require_report,
)
from .rules import RULE_FIELDS
from .rules import check as check_rules

if TYPE_CHECKING:
    from .month_import import MonthImport

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


class StaleDecisionError(ConcurrentEditError):
    """A review, acceptance or return sent for a version of the report that is gone."""

    message = gettext_lazy(
        "该月报在您打开后已被他人修改，本次操作未执行。请刷新页面查看最新内容后再处理。"
    )


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
    """(year-to-date, since-start) totals including `report`: the year's counted earlier
    reports plus this one, and 开工累计 by its one definition (`since_start.for_report`)."""
    earlier = MonthlyReport.objects.filter(
        project_id=report.project_id,
        month__lt=report.month,
        month__year=report.month.year,
        status__in=COUNTED_STATUSES,
    ).exclude(pk=report.pk)
    ytd = earlier.aggregate(s=Sum("completed_this_month"))["s"] or Decimal("0")
    return ytd + report.completed_this_month, since_start.for_report(report)


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


def _transition(report, *, by, action, permission, apply, reason="", expected_version=None):
    """One decision on a report: refused when the report moved on from the `expected_version`
    the decider saw (they would decide on content they have not read)."""
    current = _locked(report)
    try:
        require_report(by, permission, current)
    except PermissionDenied:
        # Someone else's step since the page was opened may be what forbids this one now
        # (accepted meanwhile): say so rather than refuse bare.
        if expected_version is not None and can_report(by, "view", current):
            check_version(current, expected_version, StaleDecisionError)
        raise
    check_version(current, expected_version, StaleDecisionError)
    before = _report_snapshot(current)
    apply(current)
    _bump(current)
    b, a = diff(before, _report_snapshot(current))
    _audit(current, by=by, action=action, before=b, after=a, reason=reason)
    return current


@transaction.atomic
def review(
    report: MonthlyReport, *, by, comment: str = "", expected_version: int | None = None
) -> MonthlyReport:
    """The district coordinator's review of a submitted report."""

    def apply(r):
        r.status = ReportStatus.REVIEWED
        r.reviewed_by = by
        r.reviewed_at = timezone.now()
        r.review_comment = comment

    return _transition(
        report,
        by=by,
        action="review",
        permission="review",
        apply=apply,
        expected_version=expected_version,
    )


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
def accept(
    report: MonthlyReport, *, by, comment: str = "", expected_version: int | None = None
) -> MonthlyReport:
    """The office accepts a report: it counts in the measures from now on, its month's
    completion is added to the project's 累计完成投资 in the ledger, and its 开工累计 is
    fixed as it stands now (`since_start`: an earlier month accepted since it was
    submitted counts)."""
    was_accepted = _locked(report).status == ReportStatus.ACCEPTED  # locked: carried once
    # The project next (the report first, as a correction does): acceptances of its other
    # months wait, so each one's 开工累计 sees the months accepted before it.
    Project.objects.select_for_update().filter(pk=report.project_id).first()

    def apply(r):
        r.status = ReportStatus.ACCEPTED
        r.decided_by = by
        r.decided_at = timezone.now()
        r.decision_comment = comment
        if not was_accepted:
            r.since_start_total = since_start.for_report(r)

    current = _transition(
        report,
        by=by,
        action="accept",
        permission="accept",
        apply=apply,
        expected_version=expected_version,
    )
    if not was_accepted:
        _carry_to_ledger(
            current,
            current.completed_this_month,
            by=by,
            reason=f"采纳{current.month:%Y年%m月}月报",
        )
    return current


@transaction.atomic
def return_report(
    report: MonthlyReport, *, by, comment: str, expected_version: int | None = None
) -> MonthlyReport:
    if not comment.strip():
        raise ValidationError({"comment": _("退回时请填写意见")})

    def apply(r):
        r.status = ReportStatus.RETURNED
        r.decided_by = by
        r.decided_at = timezone.now()
        r.decision_comment = comment

    return _transition(
        report,
        by=by,
        action="return",
        permission="return",
        apply=apply,
        reason=comment,
        expected_version=expected_version,
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


# --- pauses (暂停/恢复): office only; a paused project gets a grey light and is left out of
# the rolled-up measures ---------------------------------------------------------------


def open_pause(project: Project) -> ProjectPause | None:
    return ProjectPause.objects.filter(project=project, ended_at__isnull=True).first()


def _audit_pause(pause: ProjectPause, *, by, action, before=None, after=None, reason=""):
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
    _audit_pause(pause, by=by, action="pause", after=snapshot(pause), reason=reason)
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
    _audit_pause(
        pause,
        by=by,
        action="resume",
        before=before,
        after=snapshot(pause, ["ended_at", "ended_by"]),
        reason=(reason or "").strip(),
    )
    return pause


# --- warning rules and the report due day (the page: rules_views.py; fields and checks:
# rules.py) ------------------------------------------------------------------------------


class RulesConcurrentEditError(BaseConcurrentEditError):
    """Somebody saved the warning rules (or the due day) after this user opened them."""

    message = gettext_lazy(
        "预警规则已被他人修改，您的修改未保存。下方为最新规则，请核对后重新填写。"
    )


@transaction.atomic
def save_rules(
    programme: Programme, values: dict, *, by, expected_version: int | None
) -> WarningRules:
    """Store the office's rules and due day; `expected_version` is the version the form
    was opened at (`version_of`; None skips the check)."""
    require_edit_warning_rules(by, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    rules = WarningRules.objects.select_for_update().filter(programme=programme).first()
    created = rules is None
    if created:
        rules = WarningRules(programme=programme, version=0)  # what the form showed
    check_version(rules, expected_version, RulesConcurrentEditError)
    check_rules(values)
    before = snapshot(rules, list(RULE_FIELDS))
    for field in RULE_FIELDS:
        setattr(rules, field, values[field])
    rules.full_clean(exclude=["programme", "version"])
    b, a = diff(before, snapshot(rules, list(RULE_FIELDS)))
    day = values["report_due_day"]
    old_day = programme.report_due_day
    if not (created or a or day != old_day):
        return rules  # nothing changed: the version stays
    rules.version += 1
    if not created:
        rules.save()
    elif not insert_first(rules, expected_version, RulesConcurrentEditError):
        raise RulesConcurrentEditError()  # stored meanwhile by someone the user has not seen
    if created or a:
        record_change(
            by=by,
            action="create" if created else "update",
            obj=rules,
            before=None if created else b,
            after=snapshot(rules, list(RULE_FIELDS)) if created else a,
            programme_id=programme.pk,
        )
    if day != old_day:
        programme.report_due_day = day
        programme.save(update_fields=["report_due_day"])
        record_change(
            by=by,
            action="update",
            obj=programme,
            before={"report_due_day": old_day},
            after={"report_due_day": day},
            programme_id=programme.pk,
        )
    return rules


# --- the monthly template (parsing and preview: month_import.py) --------------------------


def apply_month_template(parsed: MonthImport, *, by, file_name: str) -> dict[str, int]:
    """Write every filled row of a parsed monthly template (`month_import`) as the month's
    draft, all or nothing, through `start_report`/`save_draft` (each row's permission and
    version checked there); returns the counts."""
    require_import_reports(by, parsed.programme)
    if parsed.errors:
        raise ImportRefused(parsed.errors)
    rows = [r for r in parsed.rows if r.action in ("create", "update")]
    if not rows:
        raise ImportRefused([ImportIssue(_("文件中没有需要写入的月报"))])
    reason = f"导入月报模板：{file_name}"[:500]
    with transaction.atomic():  # all rows or none
        for row in rows:
            try:
                report = start_report(row.project, parsed.month, by=by, permission="import")
                expected = row.report.version if row.report is not None else None
                save_draft(
                    report, row.data, by=by, permission="import", reason=reason,
                    expected_version=expected,
                )  # fmt: skip
            except (ValidationError, PermissionDenied, ConcurrentEditError) as exc:
                text = "；".join(
                    str(message)
                    for message in getattr(exc, "messages", None)
                    or [getattr(exc, "message", "") or str(exc)]
                )
                raise ImportRefused(
                    [
                        ImportIssue(
                            _("第%(row)s行：%(message)s（未导入任何数据）")
                            % {"row": row.row, "message": text},
                            row=row.row,
                        )
                    ]
                ) from exc
        counts = {"created": parsed.count("create"), "updated": parsed.count("update")}
        record_change(
            by=by, action="import", obj=parsed.programme, reason=reason,
            programme_id=parsed.programme.pk,
            after={"file": file_name, "month": f"{parsed.month:%Y-%m}", **counts},
        )  # fmt: skip
    return counts
