"""The programme's calendar: months, due days and weeks are counted in Asia/Shanghai."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

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
SPAN = f"{MIN_YEAR}—{MAX_YEAR}"
# A planned date or deadline lies within this many years of its programme's year.
PLAN_YEARS = 10
# An actual date (a start, a finish, a milestone reached) may be at most this far ahead of
# today: it records what happened, and a few days cover a finish entered the day before.
ACTUAL_MARGIN = datetime.timedelta(days=7)


def in_range(day: datetime.date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def validate_day(day: datetime.date | None) -> None:
    """Form-field validator of a day typed by a user (an as-of day, a filter bound): within
    the working range, so that no later step (the end of that day) leaves the calendar."""
    if day is not None and not in_range(day):
        raise ValidationError(_("日期应在 %(SPAN)s 年之间") % {"SPAN": SPAN}, code="out_of_range")


def check_day(day: datetime.date | None, *, field: str) -> datetime.date | None:
    """`day` unchanged, or a ValidationError naming `field` when it is out of range."""
    try:
        validate_day(day)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return day


def planned_error(day: datetime.date | None, year: int) -> str | None:
    """Why a planned date or deadline of a programme of `year` is not credible, or None."""
    if day is None:
        return None
    first = max(MIN_YEAR, year - PLAN_YEARS)
    last = min(MAX_YEAR, year + PLAN_YEARS)
    if first <= day.year <= last:
        return None
    return _("日期应在 %(first)s—%(last)s 年之间（计划年度前后 %(PLAN_YEARS)s 年内）") % {
        "first": first,
        "last": last,
        "PLAN_YEARS": PLAN_YEARS,
    }


def actual_error(day: datetime.date | None, today: datetime.date | None = None) -> str | None:
    """Why an actual date (what already happened) is not credible, or None: before the
    working range, or later than today plus ACTUAL_MARGIN."""
    if day is None:
        return None
    latest = (today or local_today()) + ACTUAL_MARGIN
    if day.year < MIN_YEAR:
        return _("日期不能早于 %(MIN_YEAR)s 年") % {"MIN_YEAR": MIN_YEAR}
    if day > latest:
        return _("实际日期记录已发生的事，不能晚于 %(latest)s") % {"latest": f"{latest:%Y-%m-%d}"}
    return None


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
            {field: _("月份格式应为 YYYY-MM：%(text)s") % {"text": text[:20]}}
        ) from None
    if not in_range(month):
        raise ValidationError({field: _("月份应在 %(SPAN)s 年之间") % {"SPAN": SPAN}})
    return month


def page_month(value, default, *, name: str = "month") -> datetime.date:
    """The month a page was asked for (YYYY-MM), else `default` (a date, or a function
    giving it); a bad or far month answers 400 naming `name`."""
    try:
        month = parse_month(value, field=name)
    except ValidationError as exc:
        raise BadRequest(f"{name}：{' '.join(exc.messages)}") from None
    if month is not None:
        return month
    return default() if callable(default) else default


def month_param(request, default, *, name: str = "month") -> datetime.date:
    """The page's ?month=YYYY-MM, else `default`; a bad value answers 400."""
    return page_month(request.GET.get(name), default, name=name)
