"""Screen links: the big screen (大屏) shared with a meeting-room kiosk without a login."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreenLink(models.Model):
    """A read-only link to one programme's big screen; only the token's SHA-256 digest
    is stored (the URL is shown once, when created). Office revokes it."""

    programme = models.ForeignKey(
        "ledger.Programme", on_delete=models.CASCADE, related_name="screen_links"
    )
    name = models.CharField(_("名称"), max_length=50)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "-created_at"]
        verbose_name = _("大屏链接")
        verbose_name_plural = _("大屏链接")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
