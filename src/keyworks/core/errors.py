"""Errors shared by the apps' services, and the checks that raise them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy


class ConcurrentEditError(Exception):
    """Somebody saved the object after this user opened it. Each app names its object in
    `message`; pages show it and the API answers 409 with it."""

    message = gettext_lazy("该内容已被他人修改，您的修改未保存。请刷新后重试。")

    def __str__(self) -> str:
        return str(self.message)  # a lazy translation is read in the current language


def check_version(current, expected_version: int | None, error=ConcurrentEditError) -> None:
    """Refuse the write when the row (locked by the caller) has moved on from the version
    the user opened (an int, or its text from a form); None skips the check (callers that
    hold no version, e.g. imports)."""
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):  # a tampered form: treat as stale, save nothing
        raise error() from None
    if current.version != expected:
        raise error()


def insert_first(obj, expected_version: int | None, error=ConcurrentEditError) -> bool:
    """Insert `obj`, the one row of its parent (a programme's settings) that did not exist
    when the caller looked, in a savepoint; True when inserted. When another request's
    first save inserted it in the meantime, the unique key refuses this one (never a 500):
    the user who sent the version they read has not seen that save (`error`, 409); without
    a version the caller reads the row again and updates it (False). Any other refusal of
    the insert is raised as it is."""
    try:
        with transaction.atomic():
            obj.save(force_insert=True)
    except IntegrityError:
        unique = {
            field.attname: getattr(obj, field.attname)
            for field in obj._meta.concrete_fields
            if field.unique and not field.primary_key
        }
        if not unique or not type(obj)._default_manager.filter(**unique).exists():
            raise
        if expected_version is not None:
            raise error() from None
        return False
    return True


def required_text(value, field: str, message: str) -> str:
    """`value` stripped, or a ValidationError naming `field` when it is blank."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
