"""Model fields shared by the apps."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class MoneyField(models.DecimalField):
    """An amount in 万元 (core.money): two decimals, up to 12 digits before the point,
    never negative. Migrations see a plain DecimalField with these settings."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
