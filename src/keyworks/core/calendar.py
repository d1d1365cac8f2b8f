"""The programme's calendar: months, due days and weeks are counted in Asia/Shanghai."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> datetime.date:
    return timezone.now().astimezone(SHANGHAI).date()
