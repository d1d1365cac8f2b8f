"""Site photos: check an upload is a real image within limits, and read its EXIF."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image, UnidentifiedImageError

MAX_PIXELS = 60_000_000  # a 60-megapixel photo is larger than any phone camera makes


@dataclass
class PhotoInfo:
    format: str
    width: int
    height: int
    taken_at: datetime.datetime | None
    latitude: float | None
    longitude: float | None


def _rational(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _gps_degrees(values, ref) -> float | None:
    try:
        d, m, s = (_rational(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if ref in ("S", "W") else degrees


def inspect_photo(fileobj, *, max_bytes: int | None = None) -> PhotoInfo:
    """Raise ValidationError unless `fileobj` is an image by content within the limits."""
    max_bytes = max_bytes or settings.PHOTO_MAX_BYTES
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    if size > max_bytes:
        raise ValidationError(
            f"照片超过 {max_bytes // (1024 * 1024)} MB / Photo larger than "
            f"{max_bytes // (1024 * 1024)} MB"
        )
    fileobj.seek(0)
    try:
        with Image.open(fileobj) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    "照片像素过大（超过6000万像素） / Photo has too many pixels (over 60 MP)"
                )
            image.verify()
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            info = PhotoInfo(image.format, image.width, image.height, None, None, None)
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "文件不是有效的图片（支持 JPEG/PNG/WebP） / The file is not a valid image"
        ) from exc
    finally:
        fileobj.seek(0)
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    raw_time = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if raw_time:
        try:
            info.taken_at = datetime.datetime.strptime(str(raw_time), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            info.taken_at = None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps and 2 in gps and 4 in gps:
        info.latitude = _gps_degrees(gps[2], gps.get(1))
        info.longitude = _gps_degrees(gps[4], gps.get(3))
    return info
