"""The programme's calendar: months, due days and weeks are counted in Asia/Shanghai."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> datetime.date:
    return timezone.now().astimezone(SHANGHAI).date()


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the programme's calendar: the cutoff of an as-of
    view of that day."""
    following = day + datetime.timedelta(days=1)
    return datetime.datetime(following.year, following.month, following.day, tzinfo=SHANGHAI)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(day: datetime.date | None = None) -> datetime.date:
    day = first_of_month(day or local_today())
    return first_of_month(day - datetime.timedelta(days=1))


def next_month(month: datetime.date) -> datetime.date:
    return first_of_month(first_of_month(month) + datetime.timedelta(days=32))


# The years a month or date typed by a user may fall in: the platform's working range.
MIN_YEAR, MAX_YEAR = 2000, 2099


def parse_month(value, *, field: str = "month") -> datetime.date | None:
    """ "YYYY-MM" as the first of that month; None when empty. ValidationError naming
    `field` for any other text or a year outside MIN_YEAR..MAX_YEAR."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        month = datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ValidationError(
            {field: f"月份格式应为 YYYY-MM：{text[:20]} / Month must be YYYY-MM"}
        ) from None
    if not MIN_YEAR <= month.year <= MAX_YEAR:
        span = f"{MIN_YEAR}—{MAX_YEAR}"
        raise ValidationError({field: f"月份应在 {span} 年之间 / Month must be in {span}"})
    return month


def month_param(request, default: datetime.date, *, name: str = "month") -> datetime.date:
    """The page's ?month=YYYY-MM, else `default`; a bad value answers 400."""
    try:
        return parse_month(request.GET.get(name), field=name) or default
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from None
