"""The weekly dispatch meeting (一星期一调度): agenda, decisions followed as tasks, minutes.

The agenda is compiled from the data when the office opens a meeting and stored as a
snapshot (`AgendaItem`), so the minutes keep what was discussed even after the problems
move on. Each `Decision` is a 督办 item (tasks.Task of kind "decision", extended by
multi-table inheritance: one record); `TaskEvent` is its append-only history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyworks.core.permissions import RestrictedQuerySet
from keyworks.core.workflow import StatusRules
from keyworks.tasks.models import OPEN_STATUSES, Task, TaskStatus


class MeetingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("meeting", "进行中")
    CLOSED = "closed", _("已结束")


class Meeting(StatusRules, models.Model):
    # Closing locks the agenda and the decisions' content.
    STEPS = {"edit": (MeetingStatus.OPEN,)}
    LOCKED = _("会议已结束，议程和议定事项已锁定")

    programme = models.ForeignKey(
        "ledger.Programme",
        verbose_name=_("项目计划"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    number = models.PositiveIntegerField(pgettext_lazy("meeting", "期次"))
    title = models.CharField(_("会议名称"), max_length=100)
    date = models.DateField(_("会议日期"))
    place = models.CharField(_("会议地点"), max_length=100, blank=True)
    chair = models.CharField(_("主持人"), max_length=100, blank=True)
    attendees = models.TextField(_("参会人员"), blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("召集人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("创建时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("周调度会")
        verbose_name_plural = pgettext_lazy("plural", "周调度会")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_meeting_number"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.OPEN

    def refusal(self, step: str) -> str:
        return self.LOCKED


class AgendaKind(models.TextChoices):
    CARRY_OVER = "carry_over", _("上次会议未办结事项")
    NEW_PROBLEM = "new_problem", _("本周新增问题")
    OVERDUE = "overdue", _("逾期未解决问题")
    ESCALATED = "escalated", _("提请调度会协调问题")
    RED_LIGHT = "red_light", _("红灯预警项目")
    FACTOR = "factor", _("要素保障缺口")
    FREE = "free", _("其他事项")


class AgendaItem(models.Model):
    """One item of a meeting's agenda: a snapshot taken when the agenda was compiled."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("类别"), max_length=12, choices=AgendaKind.choices)
    problem = models.ForeignKey(
        "coordination.Problem",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "ledger.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    carried = models.ForeignKey(
        "Decision",
        verbose_name=_("延续的议定事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_into",
    )
    title = models.CharField(_("议题"), max_length=200)
    summary = models.TextField(_("情况说明"), blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("议题")
        verbose_name_plural = _("议题")

    def __str__(self) -> str:
        return self.title


class Decision(Task):
    """A decision of the meeting (议定事项): what, which unit, by when — a 督办 item of kind
    "decision" (tasks.Task: one record, on the 督办 list with the supervision items and
    instructions) placed on an agenda item. Followed with the task's steps: the
    responsible unit reports it done (answer), the office confirms it (accept) or returns
    it; the meeting adds `edit` (its content, while the meeting is open and nothing was
    reported) and `note` (进展情况). Its history is the task's (`TaskEvent`)."""

    STEPS = {
        **Task.STEPS,
        "edit": (TaskStatus.ISSUED,),
        "note": OPEN_STATUSES,
    }

    task = models.OneToOneField(
        Task, on_delete=models.PROTECT, parent_link=True, primary_key=True, related_name="decision"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    sort = models.PositiveIntegerField(_("排序"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["item__sort", "item_id", "sort", "task_id"]
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")

    def __str__(self) -> str:
        return f"议定事项#{self.pk} {self.text[:30]}"

    def allows(self, step: str) -> bool:
        if step == "edit" and not self.meeting.allows("edit"):
            return False
        return super().allows(step)

    def refusal(self, step: str) -> str:
        if step == "edit" and not self.meeting.allows("edit"):
            return self.meeting.refusal("edit")
        return super().refusal(step)
