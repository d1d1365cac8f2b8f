"""Monthly reports (月度实施计划与上月完成情况) and their correction requests."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyworks.core.fields import MoneyField
from keyworks.core.permissions import RestrictedQuerySet


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("县区已审核")
    ACCEPTED = "accepted", _("已采纳")
    RETURNED = "returned", _("已退回")


# Statuses that count towards year-to-date and since-start totals.
COUNTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.REVIEWED, ReportStatus.ACCEPTED)
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class MonthlyReport(models.Model):
    """One project's report on one month: that month's completion and next month's plan.

    `month` is the first day of the month whose completion is reported; the report is
    due on the programme's `report_due_day` of the following month (Asia/Shanghai)."""

    project = models.ForeignKey(
        "ledger.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="reports"
    )
    month = models.DateField(_("报告月份"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Last month's completion
    completed_this_month = MoneyField(_("当月完成投资（万元）"), default=Decimal("0"))
    ytd_total = MoneyField(_("年度累计完成投资（万元）"), null=True, blank=True)
    since_start_total = MoneyField(_("开工累计完成投资（万元）"), null=True, blank=True)
    milestones_reached = models.TextField(_("完成节点及日期"), blank=True)
    output_figures = models.TextField(_("实物产出"), blank=True)
    progress_text = models.TextField(_("形象进度"), blank=True)
    # This month's plan
    next_plan_investment = MoneyField(_("本月计划投资（万元）"), default=Decimal("0"))
    next_plan_milestones = models.TextField(_("本月计划节点"), blank=True)
    next_plan_content = models.TextField(_("本月工作内容"), blank=True)
    # Flow
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_late = models.BooleanField(_("逾期提交"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    decided_at = models.DateTimeField(_("办公室处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办公室处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_comment = models.TextField(_("办公室意见"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "project__seq", "id"]
        verbose_name = _("月度报告")
        verbose_name_plural = _("月度报告")
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="unique_report_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m} 月报"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class CorrectionRequest(models.Model):
    """A request to reopen an accepted report, with a reason; the office decides."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="corrections")
    reason = models.TextField(_("更正理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(status="pending"),
                name="one_pending_correction_per_report",
            ),
        ]

    def __str__(self) -> str:
        return f"更正申请：{self.report}"


# --- measures: warning rules and project pauses -------------------------------------


class WarningRules(models.Model):
    """A programme's thresholds for the red/yellow/green warning lights.

    Without a row the defaults below apply (`for_programme`). Yellow: the completion rate
    trails 序时进度 by `yellow_lag_points` to `red_lag_points` points, a milestone is
    overdue, or the month's report was late. Red: lag beyond `red_lag_points`, a milestone
    overdue more than `red_milestone_days` days, or no report after the due day."""

    programme = models.OneToOneField(
        "ledger.Programme",
        verbose_name=_("项目计划"),
        on_delete=models.CASCADE,
        related_name="warning_rules",
    )
    yellow_lag_points = models.DecimalField(
        _("黄灯：落后序时进度（百分点）"), max_digits=5, decimal_places=1, default=Decimal("10")
    )
    red_lag_points = models.DecimalField(
        _("红灯：落后序时进度超过（百分点）"), max_digits=5, decimal_places=1, default=Decimal("30")
    )
    red_milestone_days = models.PositiveIntegerField(_("红灯：节点逾期超过（天）"), default=30)
    yellow_on_late_report = models.BooleanField(_("黄灯：月报逾期提交"), default=True)
    red_on_missing_report = models.BooleanField(_("红灯：截止日后仍未报"), default=True)
    # Moves with every save of the rules page, the programme's due day included (the page is
    # the only place it is set): the one version that page is checked against.
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    def __str__(self) -> str:
        return f"{self.programme} 预警规则"

    @classmethod
    def for_programme(cls, programme) -> "WarningRules":
        """The programme's rules, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(programme=programme).first() or cls(programme=programme)


class ProjectPause(models.Model):
    """A project put on hold (暂缓/暂停) by the office: grey light, out of the measures."""

    project = models.ForeignKey(
        "ledger.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="pauses"
    )
    reason = models.TextField(_("暂停原因"))
    review_date = models.DateField(_("复核日期"), null=True, blank=True)
    started_at = models.DateTimeField(_("暂停时间"))
    ended_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("项目暂停")
        verbose_name_plural = _("项目暂停")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_pause_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} 暂停"


class ProjectFigures(models.Model):
    """A project's measures for one month that do not move with the clock (reporting.
    figures): what pages read instead of recomputing the programme. Derived data: any
    row is computed again, by `reporting.measures`, when its project is marked stale.
    `stamp` is the repair that wrote it (per programme, increasing in commit order);
    `current` is false once the project is archived."""

    project = models.ForeignKey("ledger.Project", on_delete=models.CASCADE, related_name="+")
    programme_id = models.BigIntegerField()
    month = models.DateField()
    stamp = models.BigIntegerField()
    current = models.BooleanField(default=True)
    annual_target = MoneyField()
    ytd_completed = MoneyField()
    is_new = models.BooleanField()
    started = models.BooleanField()
    milestones_due = models.PositiveIntegerField()
    milestones_on_time = models.PositiveIntegerField()
    submitted = models.BooleanField()  # the month's report is in (on time or late)
    is_late = models.BooleanField()
    verified = MoneyField(null=True)
    verified_reported = MoneyField(null=True)
    verified_gap = models.DecimalField(max_digits=12, decimal_places=1, null=True)
    disputes = models.JSONField(null=True)  # None when there are none: most rows

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="one_figures_row_per_month")
        ]
        indexes = [models.Index(fields=["programme_id", "month", "stamp"])]


class FiguresState(models.Model):
    """Per programme: the months whose figures are stored, and the stamp of the latest
    repair. Its row is the lock repairs take, one at a time per programme."""

    programme_id = models.BigIntegerField(unique=True)
    stamp = models.BigIntegerField(default=0)
    months = models.JSONField(default=list)  # ["2025-08-01", …]


class StaleFigures(models.Model):
    """A mark, written in the same transaction as a change, that the stored figures of a
    project (or, without one, of the whole programme) must be computed again before they
    are read (reporting.figures)."""

    programme_id = models.BigIntegerField(db_index=True)
    project_id = models.BigIntegerField(null=True)
