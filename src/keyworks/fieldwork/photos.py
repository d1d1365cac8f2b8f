"""Checks on verification photos: when and where each was taken (EXIF), against the
reporting window and the project's location. A failing photo is flagged, never refused.
The flags are stored with the photo, in Chinese; the page translates the fixed ones."""

import datetime
import math
from decimal import Decimal

from django.utils.translation import gettext_noop

from keyworks.core.calendar import SHANGHAI, first_of_month
from keyworks.core.images import PhotoInfo
from keyworks.reporting.services import due_at

EARTH_RADIUS_KM = 6371.0088
NO_EXIF = gettext_noop("无拍摄信息")
NO_TIME = gettext_noop("无拍摄时间")
NO_PLACE = gettext_noop("无拍摄位置")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def reporting_window(
    programme, month: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """From the first moment of the reported month through its due day (Asia/Shanghai)."""
    month = first_of_month(month)
    start = datetime.datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    return start, due_at(programme, month)


def local_time(taken_at: datetime.datetime | None) -> datetime.datetime | None:
    """EXIF times carry no zone; cameras in the programme's city are on Shanghai time."""
    if taken_at is None or taken_at.tzinfo is not None:
        return taken_at
    return taken_at.replace(tzinfo=SHANGHAI)


def photo_flags(info: PhotoInfo, *, project, month: datetime.date, max_km: Decimal) -> list[str]:
    """The reasons to flag a verification photo (empty when it is fine)."""
    taken_at = local_time(info.taken_at)
    has_place = info.latitude is not None and info.longitude is not None
    if taken_at is None and not has_place:
        return [NO_EXIF]
    flags = []
    if taken_at is None:
        flags.append(NO_TIME)
    else:
        start, end = reporting_window(project.programme, month)
        if not start <= taken_at <= end:
            flags.append(
                f"拍摄时间 {taken_at:%Y-%m-%d %H:%M} 不在核验窗口 {start:%Y-%m-%d}～{end:%Y-%m-%d}"
            )
    if not has_place:
        flags.append(NO_PLACE)
    elif project.latitude is not None and project.longitude is not None:
        km = haversine_km(
            info.latitude, info.longitude, float(project.latitude), float(project.longitude)
        )
        if km > float(max_km):
            flags.append(
                f"拍摄地点距项目位置 {km:.1f} 公里（阈值 {Decimal(max_km).normalize():f} 公里）"
            )
    return flags
