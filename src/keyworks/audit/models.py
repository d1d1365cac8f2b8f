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
