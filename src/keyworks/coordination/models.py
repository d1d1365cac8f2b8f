"""The task & problem list (任务问题清单): problems blocking projects, their handling and
close-out. A problem is a tracked item (core.workflow); `ProblemEvent` is its append-only
history, from which the list as it stood on any past date is computed (动态销号)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyworks.core.permissions import RestrictedQuerySet
from keyworks.core.workflow import ItemEvent, TrackedItem


class ProblemCategory(models.TextChoices):
    LAND = "land", _("用地")
    DEMOLITION = "demolition", _("征迁")
    PERMITS = "permits", _("审批手续")
    POWER = "power", _("电力")
    WATER = "water", _("供水")
    GAS = "gas", _("燃气")
    FUNDING = "funding", _("资金")
    LABOUR = "labour", _("用工")
    ENVIRONMENT = "environment", _("环保")
    SAFETY = "safety", _("安全")
    OTHER = "other", _("其他")


class ProblemStatus(models.TextChoices):
    RAISED = "raised", _("已提出")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已解决待销号")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已销号")
    VOIDED = "voided", _("已作废")


class EscalationLevel(models.IntegerChoices):
    DISTRICT = 1, _("县(市、区)")
    TASK_FORCE = 2, _("专班牵头领导")
    OFFICE = 3, _("指挥部办公室")
    DISPATCH = 4, _("周调度会")
    LEADERS = 5, _("指挥部领导")


# Statuses in which a problem still counts as open on the list.
OPEN_STATUSES = (
    ProblemStatus.RAISED,
    ProblemStatus.ASSIGNED,
    ProblemStatus.IN_PROGRESS,
    ProblemStatus.RESOLVED,
    ProblemStatus.RETURNED,
)
FINAL_STATUSES = (ProblemStatus.CLOSED, ProblemStatus.VOIDED)
# Open statuses in which a passed deadline makes the problem overdue (a resolved problem
# waits for the office, not for the units).
HANDLING_STATUSES = tuple(s for s in OPEN_STATUSES if s != ProblemStatus.RESOLVED)


class Problem(TrackedItem):
    OPEN_STATUSES = OPEN_STATUSES
    FINAL_STATUSES = FINAL_STATUSES
    OVERDUE_STATUSES = HANDLING_STATUSES
    # The statuses each step may be taken from; a final problem takes none.
    STEPS = {
        **dict.fromkeys(("note", "assign", "close", "escalate", "void", "flag"), OPEN_STATUSES),
        "resolve": (ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS, ProblemStatus.RETURNED),
        "return": (ProblemStatus.RESOLVED,),
    }

    project = models.ForeignKey(
        "ledger.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="problems"
    )
    category = models.CharField(_("问题类别"), max_length=12, choices=ProblemCategory.choices)
    description = models.TextField(_("问题描述"))
    need = models.TextField(_("需协调事项"), blank=True)
    lead_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("牵头责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_problems",
    )
    assisting_units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("配合单位"), blank=True, related_name="assisting_problems"
    )
    deadline_reason = models.TextField(_("时限说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.RAISED
    )
    level = models.PositiveSmallIntegerField(
        _("协调层级"), choices=EscalationLevel.choices, default=EscalationLevel.DISTRICT
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("提出时间"))
    resolution_note = models.TextField(_("解决情况"), blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    void_reason = models.TextField(_("作废理由"), blank=True)
    discipline_flag = models.BooleanField(_("纪检线索"), default=False)
    discipline_note = models.TextField(_("纪检线索说明"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("问题")
        verbose_name_plural = _("任务问题清单")

    def __str__(self) -> str:
        return f"问题#{self.pk} {self.description[:30]}"

    @property
    def awaiting_assignment(self) -> bool:
        """Raised and not yet handed to a unit."""
        return self.status == ProblemStatus.RAISED

    def allows(self, step: str) -> bool:
        if step == "flag" and self.discipline_flag:
            return False  # flagged once
        return super().allows(step)


class ProblemEvent(ItemEvent):
    """One step in a problem's life: its status and level after the step. Append-only;
    handling notes are events too (one row each, so simultaneous notes never clash)."""

    ITEM = "problem"
    STATE = ("status", "level")

    class Kind(models.TextChoices):
        RAISE = "raise", _("提出")
        ASSIGN = "assign", _("交办")
        NOTE = "note", _("办理情况")
        RESOLVE = "resolve", _("办结")
        CLOSE = "close", _("销号")
        RETURN = "return", _("退回")
        ESCALATE = "escalate", _("升级")
        VOID = "void", _("作废")
        FLAG = "flag", _("纪检线索")

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=ProblemStatus.choices)
    level = models.PositiveSmallIntegerField(_("协调层级"), choices=EscalationLevel.choices)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Discipline clues: shown to inspectors and the office only.
    confidential = models.BooleanField(default=False)

    class Meta(ItemEvent.Meta):
        verbose_name = _("问题办理记录")
        verbose_name_plural = _("问题办理记录")
        indexes = [models.Index(fields=["problem", "at"], name="problemevent_problem_at")]


class EscalationRule(models.Model):
    """Automatic escalation (自动升级) for one programme: a problem still being handled
    goes up one level when it is `overdue_days` past its deadline, or when nothing has
    happened to it for `stuck_days`, counted again from each escalation, up to
    `max_level`. Applied by `keyworks escalate` (services.run_escalation)."""

    programme = models.OneToOneField(
        "ledger.Programme",
        verbose_name=_("项目计划"),
        on_delete=models.CASCADE,
        related_name="escalation_rule",
    )
    enabled = models.BooleanField(_("启用自动升级"), default=False)
    overdue_days = models.PositiveSmallIntegerField(
        _("逾期天数"), default=7, help_text=_("逾期满该天数升级一级（0 表示不按逾期升级）")
    )
    stuck_days = models.PositiveSmallIntegerField(
        _("无进展天数"),
        default=14,
        help_text=_("连续该天数无任何办理记录升级一级（0 表示不按无进展升级）"),
    )
    max_level = models.PositiveSmallIntegerField(
        _("自动升级最高层级"), choices=EscalationLevel.choices, default=EscalationLevel.DISPATCH
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("自动升级规则")
        verbose_name_plural = _("自动升级规则")

    def __str__(self) -> str:
        return f"自动升级规则 {self.programme_id}"
