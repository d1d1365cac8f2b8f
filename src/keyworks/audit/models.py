"""Append-only change records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class ChangeRecord(models.Model):
    """Who changed what, when, and the before/after snapshots. Never updated or deleted."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=100)
    request_id = models.CharField(_("请求编号"), max_length=40, blank=True)
    action = models.CharField(_("操作"), max_length=40)
    object_type = models.CharField(_("对象类型"), max_length=40)
    object_id = models.CharField(_("对象编号"), max_length=40)
    object_label = models.CharField(_("对象"), max_length=200)
    project_id = models.BigIntegerField(_("所属项目"), null=True, blank=True, db_index=True)
    programme_id = models.BigIntegerField(_("所属计划"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    # The seal (audit.chain): position in the log's chain and the chained digest.
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    digest = models.CharField(_("链摘要"), max_length=80, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The programme's newest record is its data revision (reporting.measures).
            models.Index(fields=["programme_id", "id"], name="changerecord_programme_rev"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("change records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("change records are append-only")


class SecurityEvent(models.Model):
    """A security-relevant event (GB/T 22239 安全审计): sign-ins and their failures,
    lockouts, refusals, exports and downloads, tokens, roles and passwords. Append-only
    and sealed like the change records; no application role edits or deletes it."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("事件"), max_length=40, db_index=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("账号"), max_length=150, blank=True)
    source = models.CharField(_("来源地址"), max_length=64, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    path = models.CharField(_("地址"), max_length=300, blank=True)
    programme_id = models.BigIntegerField(_("所属计划"), null=True, blank=True, db_index=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    digest = models.CharField(_("链摘要"), max_length=80, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("security events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("security events are append-only")
