"""Tracked tasks: supervision items (督导清单), leaders' instructions (领导批示) and meeting
decisions (会议议定事项). One model for all three: issued to a lead unit (with assisting
units) with a deadline; the lead unit answers; the issuer (or the office) accepts or
returns. A meeting decision is a task extended by the meetings app (`meetings.Decision`,
multi-table inheritance), so it is on the 督办 list as the same record. A task is a
tracked item (core.workflow); `TaskEvent` is its append-only history, from which the
list as it stood on any past date is computed (动态销号)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyworks.core.permissions import RestrictedQuerySet
from keyworks.core.validators import validate_link
from keyworks.core.workflow import ItemEvent, TrackedItem


class TaskKind(models.TextChoices):
    SUPERVISION = "supervision", _("督导事项")
    INSTRUCTION = "instruction", _("领导批示")
    DECISION = "decision", _("会议议定事项")


class TaskStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("task", "已交办")
    ANSWERED = "answered", _("已反馈待验收")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已办结")


OPEN_STATUSES = (TaskStatus.ISSUED, TaskStatus.ANSWERED, TaskStatus.RETURNED)
# Statuses in which the lead unit is expected to act (answer).
WAITING_FOR_UNIT = (TaskStatus.ISSUED, TaskStatus.RETURNED)


class Task(TrackedItem):
    OPEN_STATUSES = OPEN_STATUSES
    FINAL_STATUSES = (TaskStatus.ACCEPTED,)
    OVERDUE_STATUSES = OPEN_STATUSES  # 逾期: the deadline passed and it is not accepted
    # The lead unit answers (again, until accepted); the issuer accepts or returns answers.
    STEPS = {
        "answer": OPEN_STATUSES,
        "accept": (TaskStatus.ANSWERED,),
        "return": (TaskStatus.ANSWERED,),
    }

    programme = models.ForeignKey(
        "ledger.Programme", verbose_name=_("项目计划"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=TaskKind.choices)
    text = models.TextField(_("事项内容"))
    # What the task is about (all optional). A meeting is referred to by label and link so
    # that this app does not depend on the meetings app.
    project = models.ForeignKey(
        "ledger.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    problem = models.ForeignKey(
        "coordination.Problem",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    report = models.ForeignKey(
        "reporting.MonthlyReport",
        verbose_name=_("月报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    subject_label = models.CharField(_("涉及事项"), max_length=200, blank=True)
    # http(s) or a path on this site: the task page puts it in a link.
    subject_url = models.CharField(
        _("涉及事项链接"), max_length=300, blank=True, validators=[validate_link]
    )
    lead_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("牵头责任单位"),
        on_delete=models.PROTECT,
        related_name="lead_tasks",
    )
    assisting_units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("配合单位"), blank=True, related_name="assisting_tasks"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.ISSUED
    )
    # The issuer: the inspector/office user, or the leader whose instruction it is.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        on_delete=models.PROTECT,
        related_name="issued_tasks",
    )
    # Who entered it (the office records instructions on a leader's behalf).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_on = models.DateField(_("交办日期"))
    issued_at = models.DateTimeField(_("录入时间"), db_index=True)
    answer = models.TextField(_("最新反馈"), blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk} {self.text[:30]}"


class TaskEvent(ItemEvent):
    """One step in a task's life with the status after it. Append-only."""

    ITEM = "task"

    class Kind(models.TextChoices):
        ISSUE = "issue", pgettext_lazy("task", "交办")
        ANSWER = "answer", _("反馈")
        ACCEPT = "accept", _("验收办结")
        RETURN = "return", _("退回")
        # Meeting decisions (meetings.Decision) also record these:
        EDIT = "edit", _("修改")
        NOTE = "note", _("进展情况")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta(ItemEvent.Meta):
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        indexes = [models.Index(fields=["task", "at"], name="taskevent_task_at")]
