"""Monthly reports (月度实施计划与上月完成情况) and their correction requests."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


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
    completed_this_month = models.DecimalField(
        _("当月完成投资（万元）"), default=Decimal("0"), **MONEY
    )
    ytd_total = models.DecimalField(_("年度累计完成投资（万元）"), null=True, blank=True, **MONEY)
    since_start_total = models.DecimalField(
        _("开工累计完成投资（万元）"), null=True, blank=True, **MONEY
    )
    milestones_reached = models.TextField(_("完成节点及日期"), blank=True)
    output_figures = models.TextField(_("实物产出"), blank=True)
    progress_text = models.TextField(_("形象进度"), blank=True)
    # This month's plan
    next_plan_investment = models.DecimalField(
        _("本月计划投资（万元）"), default=Decimal("0"), **MONEY
    )
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
