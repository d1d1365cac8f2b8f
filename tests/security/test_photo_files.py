"""Uploaded photos are stored as images we encoded and served as images, whatever the
upload's name or hidden content: a JPEG carrying a script in its comment, uploaded as
`evil.html`, is never served as a page; formats other than JPEG/PNG/WebP are refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from keyworks.core.images import image_response, inspect_photo
from keyworks.fieldwork import services as fieldwork
from keyworks.fieldwork.models import UpdatePhoto, VisitPhoto
from keyworks.ledger import services as ledger
from keyworks.ledger.models import Photo
from tests.api.conftest import Api
from tests.fieldwork.conftest import report, visit_data

SCRIPT = b"<script>alert(document.cookie)</script>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def hostile_jpeg(name="evil.html") -> SimpleUploadedFile:
    """A valid JPEG whose comment segment and trailing bytes hold a script."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, "JPEG", comment=SCRIPT)
    return SimpleUploadedFile(name, out.getvalue() + SCRIPT, content_type="text/html")


def image_of(kind: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(out, kind)
    return SimpleUploadedFile(f"photo.{kind.lower()}", out.getvalue())


def assert_served_as_jpeg(client, url, stored):
    assert stored.name.endswith(".jpg") and "evil" not in stored.name
    with stored.open("rb") as handle:
        assert SCRIPT not in handle.read()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xff\xd8\xff") and SCRIPT not in body


def test_project_photo_with_a_script_is_re_encoded_and_served_as_jpeg(world):
    client = world.client(world.member)
    response = client.post(
        reverse("ledger:photo_upload", args=[world.own.pk]), {"image": hostile_jpeg()}
    )
    assert response.status_code == 302
    photo = Photo.objects.get(project=world.own)
    url = reverse("ledger:photo_file", args=[world.own.pk, photo.pk])
    assert_served_as_jpeg(world.client(world.leader), url, photo.image)


def test_update_photo_with_a_script_is_re_encoded_and_served_as_jpeg(world):
    update = fieldwork.post_update(
        world.own,
        {"text": "主体施工", "percent_complete": 40},
        [hostile_jpeg()],
        by=world.member,
    )
    photo = UpdatePhoto.objects.get(update=update)
    url = reverse("fieldwork:update_photo", args=[update.pk, photo.pk])
    assert_served_as_jpeg(world.client(world.office), url, photo.image)


def test_visit_photo_with_a_script_is_re_encoded_and_served_as_jpeg(world):
    report(world.own)
    visit = fieldwork.record_visit(world.own, visit_data(), [hostile_jpeg()], by=world.inspector)
    photo = VisitPhoto.objects.get(visit=visit)
    url = reverse("fieldwork:visit_photo", args=[visit.pk, photo.pk])
    assert_served_as_jpeg(world.client(world.office), url, photo.image)


def test_the_api_photo_upload_stores_the_re_encoded_image(world):
    update = fieldwork.post_update(
        world.own, {"text": "主体施工", "percent_complete": 40}, [], by=world.member
    )
    response = Api(world.member).client.post(
        f"/api/updates/{update.pk}/photos", {"photos": [hostile_jpeg()]}
    )
    assert response.status_code in (200, 201)
    photo = UpdatePhoto.objects.get(update=update)
    url = reverse("fieldwork:update_photo", args=[update.pk, photo.pk])
    assert_served_as_jpeg(world.client(world.office), url, photo.image)


@pytest.mark.parametrize("kind", ["GIF", "BMP", "TIFF", "ICO"])
def test_formats_the_message_does_not_name_are_refused(world, kind):
    with pytest.raises(ValidationError) as exc:
        inspect_photo(image_of(kind))
    assert "JPEG、PNG 或 WebP" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        ledger.add_photo(world.own, image_of(kind), by=world.member)
    assert not Photo.objects.exists()


@pytest.mark.parametrize(("kind", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_kept_in_their_format(world, kind, content_type):
    photo = ledger.add_photo(world.own, image_of(kind), by=world.member)
    response = image_response(photo.image)
    assert response["Content-Type"] == content_type


def test_a_stored_file_that_is_not_an_image_is_only_ever_downloaded(world):
    """A file stored before re-encoding (or put there by hand) is served by its bytes."""
    photo = ledger.add_photo(world.own, image_of("PNG"), by=world.member)
    name = photo.image.name.replace(".png", ".html")
    with open(photo.image.path.replace(".png", ".html"), "wb") as handle:
        handle.write(b"<html><body>" + SCRIPT + b"</body></html>")
    Photo.objects.filter(pk=photo.pk).update(image=name)
    response = world.client(world.leader).get(
        reverse("ledger:photo_file", args=[world.own.pk, photo.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def jpeg_with(taken: str | None = None, gps: tuple | None = None) -> SimpleUploadedFile:
    from PIL.TiffImagePlugin import IFDRational

    image = Image.new("RGB", (16, 16), "green")
    exif = image.getexif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        lat, lng = gps
        exif.get_ifd(0x8825).update(
            {1: "N", 2: (IFDRational(lat, 1), IFDRational(0, 1), IFDRational(0, 1)),
             3: "E", 4: (IFDRational(lng, 1), IFDRational(0, 1), IFDRational(0, 1))}
        )  # fmt: skip
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("site.jpg", out.getvalue())


@pytest.mark.parametrize(
    "taken", ["0001:01:01 00:00:00", "1970:01:01 08:00:00", "9999:12:31 23:59:59"]
)
def test_a_photo_with_an_impossible_time_counts_as_having_no_time(world, taken):
    info = inspect_photo(jpeg_with(taken))
    assert info.taken_at is None
    photo = ledger.add_photo(world.own, jpeg_with(taken), by=world.member)
    assert photo.taken_at is None
    report(world.own)
    visit = fieldwork.record_visit(world.own, visit_data(), [jpeg_with(taken)], by=world.inspector)
    assert VisitPhoto.objects.get(visit=visit).taken_at is None


def test_gps_outside_the_globe_counts_as_no_location():
    info = inspect_photo(jpeg_with(gps=(999, 999)))
    assert info.latitude is None and info.longitude is None
    info = inspect_photo(jpeg_with(gps=(35, 113)))
    assert (round(info.latitude), round(info.longitude)) == (35, 113)
