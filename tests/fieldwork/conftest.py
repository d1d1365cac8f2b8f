"""Field-work fixtures: real JPEG files with EXIF (written by Pillow) and reports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from keyworks.core.calendar import SHANGHAI
from keyworks.reporting.models import MonthlyReport, ReportStatus

AUG = datetime.date(2025, 8, 1)
SITE = (35.2517, 113.1283)  # world.own's location in these tests


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def located(world):
    world.own.latitude, world.own.longitude = (Decimal(str(v)) for v in SITE)
    world.own.save(update_fields=["latitude", "longitude"])
    return world


def _dms(value: float):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return (IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100))


def jpeg(taken=None, lat=None, lng=None, name="site.jpg") -> SimpleUploadedFile:
    """A real JPEG; with `taken` (naive, camera local time) and/or GPS in its EXIF."""
    image = Image.new("RGB", (64, 48), (90, 120, 150))
    exif = image.getexif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if lat is not None:
        gps = exif.get_ifd(0x8825)
        gps.update({1: "N", 2: _dms(lat), 3: "E", 4: _dms(lng)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def report(project, month=AUG, ytd="2000.00", status=ReportStatus.ACCEPTED, by=None):
    """A month report with a year-to-date total (written directly: the flow is tested in
    reporting)."""
    submitted = datetime.datetime(month.year, month.month + 1, 2, 10, tzinfo=SHANGHAI)
    return MonthlyReport.objects.create(
        project=project,
        month=month,
        status=status,
        completed_this_month=Decimal(ytd),
        ytd_total=Decimal(ytd) if status != ReportStatus.DRAFT else None,
        submitted_at=submitted if status != ReportStatus.DRAFT else None,
        submitted_by=by,
    )


def visit_data(**extra) -> dict:
    data = {
        "month": AUG,
        "visit_date": datetime.date(2025, 9, 2),
        "people": "赵督导、钱干事",
        "verified_investment": Decimal("2000.00"),
        "verified_percent": 60,
        "findings": "主体施工中",
    }
    data.update(extra)
    return data
