"""Photo checks of on-site verification, with real JPEG files."""

import datetime
from decimal import Decimal

import pytest

from keyworks.core.images import inspect_photo
from keyworks.fieldwork.photos import NO_EXIF, NO_PLACE, haversine_km, photo_flags

from .conftest import AUG, SITE, jpeg

IN_WINDOW = datetime.datetime(2025, 8, 20, 10, 30)


def flags(world, upload, km="2"):
    info = inspect_photo(upload)
    return photo_flags(info, project=world.own, month=AUG, max_km=Decimal(km))


def test_haversine_distance():
    # 0.01° of latitude is about 1.11 km anywhere; Jiaozuo–Zhengzhou is about 62 km.
    assert haversine_km(35.0, 113.0, 35.01, 113.0) == pytest.approx(1.112, abs=0.002)
    assert haversine_km(35.2157, 113.2418, 34.7466, 113.6253) == pytest.approx(62.6, abs=1)


def test_photo_on_site_in_window_is_not_flagged(located):
    assert flags(located, jpeg(IN_WINDOW, *SITE)) == []


def test_exif_is_read_from_a_real_jpeg():
    info = inspect_photo(jpeg(IN_WINDOW, *SITE))
    assert info.taken_at == IN_WINDOW
    assert info.latitude == pytest.approx(SITE[0], abs=1e-5)
    assert info.longitude == pytest.approx(SITE[1], abs=1e-5)


def test_photo_without_exif_is_flagged(located):
    assert flags(located, jpeg()) == [NO_EXIF]
    assert NO_EXIF.startswith("无拍摄信息")


def test_photo_without_gps_is_flagged(located):
    assert flags(located, jpeg(IN_WINDOW)) == [NO_PLACE]


@pytest.mark.parametrize(
    ("taken", "flagged"),
    [
        (datetime.datetime(2025, 7, 31, 23, 59), True),  # the month before
        (datetime.datetime(2025, 8, 1, 0, 1), False),
        (datetime.datetime(2025, 9, 3, 23, 0), False),  # the due day (3rd) still counts
        (datetime.datetime(2025, 9, 4, 0, 30), True),  # after the due day
    ],
)
def test_time_window_is_the_month_through_its_due_day(located, taken, flagged):
    result = flags(located, jpeg(taken, *SITE))
    assert bool(result) is flagged
    if flagged:
        assert "不在核验窗口 2025-08-01～2025-09-03" in result[0]


def test_due_day_follows_the_programme(located):
    located.programme.report_due_day = 5
    located.programme.save()
    assert flags(located, jpeg(datetime.datetime(2025, 9, 4, 12), *SITE)) == []


def test_distance_rule(located):
    lat, lng = SITE
    near = jpeg(IN_WINDOW, lat + 0.015, lng)  # ~1.7 km
    assert flags(located, near) == []
    far = flags(located, jpeg(IN_WINDOW, lat + 0.03, lng))  # ~3.3 km
    assert len(far) == 1 and "距项目位置 3.3 公里（阈值 2 公里）" in far[0]
    assert flags(located, jpeg(IN_WINDOW, lat + 0.015, lng), km="1")  # stricter threshold


def test_no_distance_check_without_project_location(world):
    assert flags(world, jpeg(IN_WINDOW, 0.5, 0.5)) == []
