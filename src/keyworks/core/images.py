"""Site photos: check an upload is a real image within limits, read its EXIF, and keep
only a copy re-encoded by us; serve stored photos as what they are, never as their name
says."""

import datetime
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, UnidentifiedImageError

from .calendar import MAX_YEAR, MIN_YEAR

MAX_PIXELS = 60_000_000  # a 60-megapixel photo is larger than any phone camera makes

# The formats a photo may have: Pillow's name -> (file extension, content type).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
NOT_AN_IMAGE = gettext_lazy("文件不是有效的图片（支持 JPEG/PNG/WebP）")


@dataclass
class PhotoInfo:
    format: str
    width: int
    height: int
    taken_at: datetime.datetime | None
    latitude: float | None
    longitude: float | None
    file: ContentFile | None = None  # the image as we re-encoded it, named by its format


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
        raise ValidationError(_("照片超过 %(value)s MB") % {"value": max_bytes // (1024 * 1024)})
    fileobj.seek(0)
    try:
        with Image.open(fileobj) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("照片像素过大（超过6000万像素）"))
            image.verify()
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            info = PhotoInfo(image.format, image.width, image.height, None, None, None)
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(NOT_AN_IMAGE) from exc
    finally:
        fileobj.seek(0)
    if info.format not in FORMATS:
        raise ValidationError(
            _("不支持 %(format)s 格式的图片，请上传 JPEG、PNG 或 WebP 照片")
            % {"format": info.format}
        )
    info.file = reencode(fileobj, info.format)
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    raw_time = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if raw_time:
        try:
            taken_at = datetime.datetime.strptime(str(raw_time), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken_at = None
        # A camera whose clock was never set says 0001 or 1970: no time is better than
        # a false one (the verification flags photos without a time).
        if taken_at is not None and MIN_YEAR <= taken_at.year <= MAX_YEAR:
            info.taken_at = taken_at
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps and 2 in gps and 4 in gps:
        latitude = _gps_degrees(gps[2], gps.get(1))
        longitude = _gps_degrees(gps[4], gps.get(3))
        # Degrees outside the globe (a corrupt or forged tag) are no location at all.
        if latitude is not None and longitude is not None:
            if abs(latitude) <= 90 and abs(longitude) <= 180:
                info.latitude, info.longitude = latitude, longitude
    return info


def reencode(fileobj, image_format: str) -> ContentFile:
    """The image decoded and encoded again by Pillow: only pixels and EXIF survive, so
    nothing else a file carried (comments, trailing bytes, markup) is ever stored. The
    name is ours: a random stem and the extension of the checked format."""
    extension, _content_type = FORMATS[image_format]
    out = io.BytesIO()
    try:
        with Image.open(fileobj) as image:
            options = {"exif": image.getexif().tobytes()}
            image.load()
            image.info = {}  # no comment, XMP or other text block is written back
            if image_format == "JPEG":
                options["quality"] = "keep"  # the source's own quantisation: no visible loss
            elif image_format == "WEBP":
                options["quality"] = 90
            image.save(out, format=image_format, **options)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(NOT_AN_IMAGE) from exc
    finally:
        fileobj.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def sniff_content_type(head: bytes) -> str | None:
    """The content type of a stored image from its first bytes (never from its name)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_response(field_file) -> FileResponse:
    """Serve a stored photo as the image it is: its content type from its bytes, inline
    only when it is a JPEG/PNG/WebP image, else as a download; never rendered as a page
    (nosniff, and a sandbox in case a browser tried)."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("照片文件不存在")) from None
    content_type = sniff_content_type(handle.read(16))
    handle.seek(0)
    if content_type is None:
        response = FileResponse(
            handle, as_attachment=True, filename="file.bin", content_type="application/octet-stream"
        )
    else:
        extension = content_type.split("/")[1].replace("jpeg", "jpg")
        response = FileResponse(handle, filename=f"photo.{extension}", content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
