"""Site photos: real images only, read their EXIF, serve them through the permission check."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Photo


def jpeg_with_exif(taken="2025:05:20 10:30:00") -> bytes:
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x0132] = taken  # DateTime
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, project, content: bytes, name="site.jpg"):
    return client.post(
        reverse("ledger:photo_upload", args=[project.pk]),
        {"image": SimpleUploadedFile(name, content, content_type="image/jpeg"), "caption": "现场"},
    )


def test_task_force_uploads_a_photo_with_its_exif_time(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(world.client(world.member), world.own, jpeg_with_exif())
    assert response.status_code == 302
    photo = Photo.objects.get(project=world.own)
    assert photo.taken_at.strftime("%Y-%m-%d %H:%M") == "2025-05-20 02:30"  # stored in UTC
    assert ChangeRecord.objects.filter(object_type="ledger.photo", action="create").exists()
    url = reverse("ledger:photo_file", args=[world.own.pk, photo.pk])
    assert world.client(world.leader).get(url).status_code == 200
    assert world.client(world.outsider).get(url).status_code == 404


def test_a_text_file_named_jpg_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = world.client(world.member)
    response = upload(client, world.own, b"this is not an image at all")
    assert response.status_code == 302
    assert not Photo.objects.exists()


@override_settings(PHOTO_MAX_BYTES=1000)
def test_an_oversized_photo_is_refused_by_the_service(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.exceptions import ValidationError

    from keyworks.ledger import services

    big = SimpleUploadedFile("big.jpg", jpeg_with_exif() + b"\0" * 2000, content_type="image/jpeg")
    try:
        services.add_photo(world.own, big, by=world.member)
    except ValidationError as exc:
        assert "MB" in exc.messages[0]
    else:
        raise AssertionError("an oversized photo was accepted")
    assert not Photo.objects.exists()


def test_other_task_forces_cannot_upload(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert upload(world.client(world.other_member), world.own, jpeg_with_exif()).status_code == 403
    assert upload(world.client(world.leader), world.own, jpeg_with_exif()).status_code == 403
    assert not Photo.objects.exists()
