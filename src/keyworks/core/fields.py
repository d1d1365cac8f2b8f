"""Model fields shared by the apps."""

from decimal import Decimal

from django.core import validators
from django.core.validators import MinValueValidator
from django.db import models

from . import crypto


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


class EncryptedTextField(models.TextField):
    """Text stored encrypted (core.crypto) and read back in clear. `max_length` limits the
    clear text (forms and validation); the column holds the longer ciphertext. Not for
    values anyone filters or sorts by."""

    def __init__(self, *args, email: bool = False, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        if self.max_length:
            self.validators.append(validators.MaxLengthValidator(self.max_length))
        if email:
            self.validators.append(validators.validate_email)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.email:
            kwargs["email"] = True
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else crypto.encrypt(value)

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.EmailField if self.email else forms.CharField}
        defaults.update(kwargs)
        field = super().formfield(**defaults)
        field.widget = forms.EmailInput() if self.email else forms.TextInput()
        return field
