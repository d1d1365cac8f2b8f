"""Progress updates: posting, the list newest first, 逾期未更新, and the 转为问题 hook."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from keyworks.audit.models import ChangeRecord
from keyworks.coordination.models import Problem
from keyworks.fieldwork import services
from keyworks.fieldwork.models import FieldworkSettings, ProgressUpdate

from .conftest import jpeg

DATA = {"text": "主体结构施工至第5层", "percent_complete": 45, "problems_noticed": ""}


def post(world, project=None, by=None, photos=(), **data):
    return services.post_update(
        project or world.own, {**DATA, **data}, photos, by=by or world.member
    )


def test_task_force_posts_an_update_with_photos(world):
    update = post(world, photos=[jpeg(datetime.datetime(2025, 8, 1, 9)), jpeg()])
    assert update.photos.count() == 2
    assert update.photos.first().taken_at is not None
    types = set(ChangeRecord.objects.values_list("object_type", flat=True))
    assert {"fieldwork.progressupdate", "fieldwork.updatephoto"} <= types


@pytest.mark.parametrize("who", ["other_member", "office", "inspector", "district"])
def test_only_own_task_force_posts(world, who):
    with pytest.raises(PermissionDenied):
        post(world, by=getattr(world, who))


@pytest.mark.parametrize(
    ("data", "field"), [({"percent_complete": 101}, "percent_complete"), ({"text": "  "}, "text")]
)
def test_bad_update_input(world, data, field):
    with pytest.raises(ValidationError) as exc:
        post(world, **data)
    assert field in exc.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_project_page_lists_newest_first(world):
    first = post(world, text="第一期")
    second = post(world, text="第二期")
    ProgressUpdate.objects.filter(pk=first.pk).update(
        posted_at=timezone.now() - datetime.timedelta(days=14)
    )
    html = world.client(world.leader).get(f"/fieldwork/project/{world.own.pk}/updates/")
    text = html.content.decode()
    assert text.index("第二期") < text.index("第一期")
    assert f'data-update="{second.pk}"' in text
    assert 'id="update-form"' not in text  # the leader reads, does not post


def test_programme_list_shows_overdue(world):
    post(world)
    page = world.client(world.office).get("/fieldwork/").content.decode()
    own_row = page.split(f'data-project="{world.own.pk}"')[1].split("</tr>")[0]
    other_row = page.split(f'data-project="{world.other.pk}"')[1].split("</tr>")[0]
    assert "逾期未更新" not in own_row and "45%" in own_row
    assert "逾期未更新" in other_row  # never updated
    ProgressUpdate.objects.update(posted_at=timezone.now() - datetime.timedelta(days=15))
    page = world.client(world.office).get("/fieldwork/", {"overdue": "1"}).content.decode()
    assert page.count('data-overdue="1"') == 2
    FieldworkSettings.objects.create(programme=world.programme, update_days=20)
    page = world.client(world.office).get("/fieldwork/").content.decode()
    assert page.count('data-overdue="1"') == 1


def test_posting_through_the_page(world):
    client = world.client(world.member)
    response = client.post(
        f"/fieldwork/project/{world.own.pk}/updates/",
        {**DATA, "photos": [jpeg(name="a.jpg"), jpeg(name="b.jpg")]},
    )
    update = ProgressUpdate.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{update.pk}/")
    assert update.photos.count() == 2
    photo = update.photos.first()
    assert client.get(f"/fieldwork/updates/{update.pk}/photos/{photo.pk}/").status_code == 200
    fake = SimpleUploadedFile("c.jpg", b"not an image", content_type="image/jpeg")
    not_image = {**DATA, "photos": [jpeg(), fake]}
    assert client.post(f"/fieldwork/project/{world.own.pk}/updates/", not_image).status_code == 200
    assert ProgressUpdate.objects.count() == 1


def test_raise_problem_from_an_update(world):
    update = post(world, problems_noticed="临时用电容量不足")
    page = world.client(world.member).get(f"/fieldwork/updates/{update.pk}/").content.decode()
    assert "转为问题" in page
    href = page.split('id="raise-problem"')[0].rsplit('href="', 1)[1].split('"')[0]
    href = href.replace("&amp;", "&")
    url = urlsplit(href)
    assert url.path == f"/coordination/project/{world.own.pk}/raise/"
    assert parse_qs(url.query) == {
        "description": ["临时用电容量不足"],
        "from_update": [str(update.pk)],
    }
    client = world.client(world.member)
    form = client.get(href).content.decode()
    assert "临时用电容量不足</textarea>" in form  # prefilled
    deadline = (timezone.now() + datetime.timedelta(days=10)).date().isoformat()
    response = client.post(
        href, {"category": "power", "description": "临时用电容量不足", "deadline": deadline}
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.raised_problem == problem
    assert ChangeRecord.objects.filter(
        object_type="fieldwork.progressupdate", action="raise_problem"
    ).exists()
    page = world.client(world.member).get(f"/fieldwork/updates/{update.pk}/").content.decode()
    assert 'id="raise-problem"' not in page  # raised once


def test_no_raise_button_without_problem_text_or_permission(world):
    update = post(world)
    page = world.client(world.member).get(f"/fieldwork/updates/{update.pk}/").content.decode()
    assert 'id="raise-problem"' not in page
    noticed = post(world, problems_noticed="缺料")
    page = world.client(world.leader).get(f"/fieldwork/updates/{noticed.pk}/").content.decode()
    assert 'id="raise-problem"' not in page  # leaders do not raise problems


def test_link_ignores_another_projects_update(world):
    update = post(world, problems_noticed="缺料")
    other_problem = Problem.objects.create(
        project=world.other,
        category="other",
        description="x",
        deadline=datetime.date(2026, 1, 1),
        raised_by=world.office,
        raised_at=timezone.now(),
    )
    assert services.link_raised_problem(update.pk, other_problem, by=world.office) is False
    assert services.link_raised_problem("junk", other_problem, by=world.office) is False


def test_the_update_form_opens_the_camera_on_a_phone(world):
    html = world.client(world.member).get(f"/fieldwork/project/{world.own.pk}/updates/")
    page = html.content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
