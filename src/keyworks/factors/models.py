"""Factor guarantees (要素保障清单): what a project needs of land, energy, water,
environmental capacity, funding, labour and talent, how much is secured, by whom and by
when. The shortfall (缺口) is demand − secured."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyworks.core.permissions import RestrictedQuerySet


class FactorKind(models.TextChoices):
    LAND = "land", _("用地")
    ENERGY = "energy", _("能耗")
    WATER = "water", _("用水")
    ENVIRONMENT = "environment", _("环境容量（排污指标）")
    FUNDING = "funding", _("资金")
    LABOUR = "labour", _("用工")
    TALENT = "talent", _("人才")


# The unit each kind is counted in unless the item says otherwise (energy is also
# counted in 万千瓦时 for electricity).
DEFAULT_UNITS = {
    FactorKind.LAND: "亩",
    FactorKind.ENERGY: "吨标煤",
    FactorKind.WATER: "万立方米",
    FactorKind.ENVIRONMENT: "吨",
    FactorKind.FUNDING: "万元",
    FactorKind.LABOUR: "人",
    FactorKind.TALENT: "人",
}


class FactorItem(models.Model):
    project = models.ForeignKey(
        "ledger.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="factor_items",
    )
    kind = models.CharField(_("要素类别"), max_length=12, choices=FactorKind.choices)
    demand = models.DecimalField(_("需求量"), max_digits=14, decimal_places=2)
    secured = models.DecimalField(
        _("已保障"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    responsible_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="factor_items",
    )
    deadline = models.DateField(_("保障时限"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project__seq", "kind", "id"]
        verbose_name = _("要素保障事项")
        verbose_name_plural = _("要素保障清单")
        indexes = [models.Index(fields=["project", "kind"], name="factoritem_project_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.demand}{self.unit_label}"

    @property
    def unit_label(self) -> str:
        return self.unit or DEFAULT_UNITS.get(self.kind, "")

    @property
    def kind_label(self) -> str:
        return str(self.get_kind_display())

    @property
    def shortfall(self) -> Decimal:
        """Demand not yet secured (never negative: over-securing is no shortfall)."""
        return max((self.demand or Decimal("0")) - (self.secured or Decimal("0")), Decimal("0"))

    @property
    def has_shortfall(self) -> bool:
        return self.shortfall > 0

    def is_overdue(self, today: datetime.date) -> bool:
        """The deadline passed with a shortfall left."""
        return self.has_shortfall and self.deadline is not None and self.deadline < today


class FactorEvent(models.Model):
    """The figures of an item after one create or change. Append-only: the list as of a
    past day reads each item's latest event before the end of that day."""

    item = models.ForeignKey(FactorItem, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    demand = models.DecimalField(_("需求量"), max_digits=14, decimal_places=2)
    secured = models.DecimalField(_("已保障"), max_digits=14, decimal_places=2)
    deadline = models.DateField(_("保障时限"), null=True, blank=True)
    # Null only for events backfilled for items that existed before this history began.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("要素保障变更记录")
        verbose_name_plural = _("要素保障变更记录")
        indexes = [models.Index(fields=["item", "at"], name="factorevent_item_at")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.at:%Y-%m-%d} {self.secured}/{self.demand}"
