"""Annual targets (年度目标): per project and year, reviewed item by item, versioned.

Each revision of a project's target for a year is its own `AnnualTarget` row (第1版,
第2版…); rows are never deleted, so the version history is the rows themselves. The
current target is the accepted row with the highest `revision`."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyworks.core.fields import MoneyField
from keyworks.core.permissions import RestrictedQuerySet


class TargetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


class ItemState(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("通过")
    RETURNED = "returned", _("退回")


# A version the task force is still working on or the office still has to decide.
OPEN_STATUSES = (TargetStatus.DRAFT, TargetStatus.SUBMITTED, TargetStatus.RETURNED)
EDITABLE_STATUSES = (TargetStatus.DRAFT, TargetStatus.RETURNED)


class AnnualTarget(models.Model):
    """One version of a project's target for a year: the planned investment plus its
    milestone and output-indicator items (`items`)."""

    project = models.ForeignKey(
        "ledger.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="annual_targets",
    )
    year = models.PositiveIntegerField(_("年度"))
    revision = models.PositiveIntegerField(_("版本号"), default=1)
    reason = models.TextField(_("调整理由"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.DRAFT
    )
    investment = MoneyField(_("年度计划投资（万元）"))
    investment_state = models.CharField(
        _("投资审核"), max_length=10, choices=ItemState.choices, default=ItemState.PENDING
    )
    investment_comment = models.TextField(_("投资审核意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "year", "revision"]
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "revision"], name="unique_target_revision"
            ),
            models.UniqueConstraint(
                fields=["project", "year"],
                condition=~models.Q(status="accepted"),
                name="one_open_target_version",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.project} {self.year}年度目标（第{self.revision}版）"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ItemKind(models.TextChoices):
    MILESTONE = "milestone", _("形象节点")
    INDICATOR = "indicator", _("产出指标")


class TargetItem(models.Model):
    """A milestone (name, planned date) or an output indicator (name, unit, value)."""

    target = models.ForeignKey(AnnualTarget, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    planned_date = models.DateField(_("计划完成"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    value = models.DecimalField(
        _("目标值"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    state = models.CharField(
        _("审核"), max_length=10, choices=ItemState.choices, default=ItemState.PENDING
    )
    comment = models.TextField(_("审核意见"), blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["target", "-kind", "sort", "id"]  # milestones first
        verbose_name = _("目标条目")
        verbose_name_plural = _("目标条目")

    def __str__(self) -> str:
        return self.name
