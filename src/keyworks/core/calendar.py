"""The programme's calendar: months, due days and weeks are counted in Asia/Shanghai."""

import datetime
from zoneinfo import ZoneInfo

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
