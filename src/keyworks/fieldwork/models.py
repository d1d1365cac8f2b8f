"""Field work: bi-weekly progress updates (每两周更新) and on-site verification (实地核验)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyworks.core.fields import MoneyField
from keyworks.core.permissions import RestrictedQuerySet

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class FieldworkSettings(models.Model):
    """A programme's field-work thresholds; without a row the defaults apply."""

    programme = models.OneToOneField(
        "ledger.Programme",
        verbose_name=_("项目计划"),
        on_delete=models.CASCADE,
        related_name="fieldwork_settings",
    )
    dispute_percent = models.DecimalField(
        _("核验投资与月报差异超过（%）即有争议"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    distance_km = models.DecimalField(
        _("照片距项目位置超过（公里）即标记"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    update_days = models.PositiveSmallIntegerField(
        _("进度更新周期（天）"), default=14, validators=[MinValueValidator(1)]
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("现场工作设置")
        verbose_name_plural = _("现场工作设置")

    def __str__(self) -> str:
        return f"{self.programme} 现场工作设置"

    @classmethod
    def for_programme(cls, programme) -> "FieldworkSettings":
        """The programme's settings, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(programme=programme).first() or cls(programme=programme)


class ProgressUpdate(models.Model):
    """A task force's bi-weekly progress note. Posted once, never edited (a later update
    supersedes it); a noticed problem can be raised on the problem list."""

    project = models.ForeignKey(
        "ledger.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="updates"
    )
    text = models.TextField(_("进展情况"))
    percent_complete = models.PositiveSmallIntegerField(_("形象进度（%）"), validators=PERCENT)
    problems_noticed = models.TextField(_("发现的问题"), blank=True)
    raised_problem = models.ForeignKey(
        "coordination.Problem",
        verbose_name=_("已转为问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("填报时间"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("进度更新")
        verbose_name_plural = _("进度更新")
        indexes = [models.Index(fields=["project", "-posted_at"])]

    def __str__(self) -> str:
        return f"{self.project} {self.posted_at:%Y-%m-%d} 进度更新"


def update_photo_path(instance: "UpdatePhoto", filename: str) -> str:
    return f"fieldwork/updates/{instance.update.project_id}/{filename}"


def visit_photo_path(instance: "VisitPhoto", filename: str) -> str:
    return f"fieldwork/visits/{instance.visit.project_id}/{filename}"


class PhotoBase(models.Model):
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("经度"), max_digits=10, decimal_places=6, null=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class UpdatePhoto(PhotoBase):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=update_photo_path)

    class Meta:
        ordering = ["id"]
        verbose_name = _("进度更新照片")
        verbose_name_plural = _("进度更新照片")


class VisitStatus(models.TextChoices):
    CONSISTENT = "consistent", _("核验一致")
    UNCOMPARED = "uncompared", _("无可比月报")
    DISPUTED = "disputed", _("存在争议")
    RESOLVED = "resolved", _("争议已处理")


class Visit(models.Model):
    """An on-site verification of a project for a reporting month.

    `verified_investment` is the year-to-date completed investment (年度累计完成投资, 万元)
    the inspectors found up to the end of `month`; it is compared with the month report's
    `ytd_total` (frozen at the visit in `reported_investment`)."""

    project = models.ForeignKey(
        "ledger.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="visits"
    )
    month = models.DateField(_("核验月份"))
    visit_date = models.DateField(_("核验日期"))
    people = models.CharField(_("核验人员"), max_length=200)
    verified_investment = MoneyField(_("核实年度累计完成投资（万元）"))
    verified_percent = models.PositiveSmallIntegerField(
        _("核实形象进度（%）"), null=True, blank=True, validators=PERCENT
    )
    findings = models.TextField(_("核验发现"), blank=True)
    reported_investment = MoneyField(_("月报年度累计完成投资（万元）"), null=True, blank=True)
    gap_percent = models.DecimalField(
        _("差异（%）"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    threshold_percent = models.DecimalField(_("争议阈值（%）"), max_digits=5, decimal_places=1)
    status = models.CharField(_("状态"), max_length=12, choices=VisitStatus.choices)
    resolution_note = models.TextField(_("争议处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-visit_date", "-id"]
        verbose_name = _("实地核验")
        verbose_name_plural = _("实地核验")
        indexes = [models.Index(fields=["project", "month"])]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m} 实地核验"

    @property
    def is_disputed(self) -> bool:
        return self.status == VisitStatus.DISPUTED


class VisitPhoto(PhotoBase):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=visit_photo_path)
    flags = models.JSONField(_("标记"), default=list, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("核验照片")
        verbose_name_plural = _("核验照片")

    @property
    def flagged(self) -> bool:
        return bool(self.flags)
