"""Shapes every API router shares: the error bodies, money as a string, the timeline
entry of a tracked item, and the strict input types `Version` and `Day`."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class BadRequestOut(Schema):
    """Text refused (`errors` names the field), a body that is not JSON, too many fields."""

    detail: str
    errors: dict[str, list[str]] | None = None


# Every endpoint: 400 for refused text in the query (core.text); writes add a stale
# version (409) and a body over the size limit (413).
READ_ERRORS = {400: BadRequestOut, 401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}

WRITE_ERRORS = {**READ_ERRORS, 409: Error, 413: Error}


def whole_number(value):
    """A version is the integer the client read: not true/false, "3" or 3.0 (pydantic
    would take them as 1, 0 and 3)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("version", _("应为读取时的版本号（整数）"))
    return value


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(value):
    """A day as YYYY-MM-DD (or a date): not a number, which pydantic would read as seconds
    since 1970 (`as_of=0` is 1970-01-01)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value.strip()):
        return value.strip()
    raise PydanticCustomError("date_format", _("日期应按 YYYY-MM-DD 格式填写"))


Version = Annotated[int, BeforeValidator(whole_number)]
Day = Annotated[datetime.date, BeforeValidator(iso_day)]


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def exact(value: Decimal | None, places: int) -> Decimal | None:
    """Pad to `places` decimals when that changes nothing (so "100" equals the stored
    "100.00"); longer values stay as sent and fail model validation instead of rounding."""
    if value is None:
        return None
    try:
        padded = value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:  # too many digits: the model's max_digits check reports it
        return value
    return padded if padded == value else value


class EventOut(Schema):
    """One step of a tracked item's timeline (`event_out`); items with more to say about a
    step (a problem's level, the acting unit) extend it."""

    id: int
    kind: str
    kind_label: str
    at: datetime.datetime
    status: str
    actor: str
    note: str


def event_out(event, **extra) -> dict:
    """One event: what was done (`kind`, `kind_label`), when, by whom, the status after it
    and the note; `extra` adds the item's own fields (a problem's level, the acting unit)."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "at": event.at,
        "status": event.status,
        "actor": str(event.actor),  # the full name, else the user name
        "note": event.note,
        **extra,
    }
