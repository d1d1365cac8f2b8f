"""The permission matrix for pages and API: role × action × own/other project."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import translation

from keyworks.fieldwork import services
from keyworks.fieldwork.models import ProgressUpdate, Visit, VisitStatus
from keyworks.people.services import create_token

from .conftest import jpeg, report, visit_data

ROLES = [
    "office",
    "leader",
    "inspector",
    "member",
    "other_member",
    "district",
    "department_user",
    "outsider",
]


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request leaves its language active in the thread: back to the default after."""
    yield
    translation.deactivate()


@pytest.fixture
def data(world):
    update = services.post_update(
        world.own,
        {"text": "进展", "percent_complete": 30, "problems_noticed": "缺料"},
        by=world.member,
    )
    report(world.own, ytd="2000.00")
    visit = services.record_visit(
        world.own, visit_data(verified_investment=Decimal("1000.00")), by=world.inspector
    )
    assert visit.status == VisitStatus.DISPUTED
    return world, update, visit


def status(world, who, method, url, body=None):
    client = world.client(getattr(world, who))
    if method == "get":
        return client.get(url).status_code
    return client.post(url, body or {}).status_code


# --- pages ------------------------------------------------------------------------------

PAGE_MATRIX = {
    # role: (programme list, project updates, update detail, visit list)
    "office": 200,
    "leader": 200,
    "inspector": 200,
    "member": 200,
    "other_member": 200,
    "district": 200,
    "department_user": 200,
    "outsider": 404,
}


@pytest.mark.parametrize("who", ROLES)
def test_reading_updates(data, who):
    world, update, _visit = data
    expected = PAGE_MATRIX[who]
    for url in (
        "/fieldwork/",
        f"/fieldwork/project/{world.own.pk}/updates/",
        f"/fieldwork/updates/{update.pk}/",
        "/fieldwork/visits/",
    ):
        assert status(world, who, "get", url) == expected, url


@pytest.mark.parametrize(
    ("who", "own", "other"),
    [
        ("office", 403, 403),
        ("leader", 403, 403),
        ("inspector", 403, 403),
        ("member", 302, 403),
        ("other_member", 403, 302),
        ("district", 403, 403),
        ("department_user", 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_posting_updates(world, who, own, other):
    body = {"text": "进展", "percent_complete": 50}
    assert status(world, who, "post", f"/fieldwork/project/{world.own.pk}/updates/", body) == own
    assert (
        status(world, who, "post", f"/fieldwork/project/{world.other.pk}/updates/", body) == other
    )


@pytest.mark.parametrize(
    ("who", "read", "record", "resolve"),
    [
        ("office", 200, 200, 302),
        ("leader", 200, 403, 403),
        ("inspector", 200, 200, 403),
        ("member", 200, 403, 403),  # the project's own task force reads the findings
        ("other_member", 404, 403, 404),
        ("district", 404, 403, 404),
        ("department_user", 404, 403, 404),
        ("outsider", 404, 404, 404),
    ],
)
def test_visit_pages(data, who, read, record, resolve):
    world, _update, visit = data
    assert status(world, who, "get", f"/fieldwork/visits/{visit.pk}/") == read
    assert status(world, who, "get", f"/fieldwork/project/{world.own.pk}/visits/new/") == record
    assert (
        status(world, who, "post", f"/fieldwork/visits/{visit.pk}/resolve/", {"note": "核实"})
        == resolve
    )


def test_visit_list_hides_findings_from_other_roles(data):
    world, _update, visit = data
    for who, shown in (("member", True), ("other_member", False), ("district", False)):
        page = world.client(getattr(world, who)).get("/fieldwork/visits/").content.decode()
        assert (f'data-visit="{visit.pk}"' in page) is shown, who


def test_recording_a_visit_through_the_page(data):
    world, _update, _visit = data
    client = world.client(world.inspector)
    response = client.post(
        f"/fieldwork/project/{world.own.pk}/visits/new/",
        {
            "month": "2025-08",
            "visit_date": "2025-09-02",
            "people": "赵督导",
            "verified_investment": "2050",
            "photos": [jpeg(name="p.jpg")],
        },
    )
    visit = Visit.objects.latest("pk")
    assert response.status_code == 302 and visit.status == VisitStatus.CONSISTENT
    photo = visit.photos.get()
    assert photo.flags and photo.flags[0].startswith("无拍摄信息")
    page = client.get(f"/fieldwork/visits/{visit.pk}/").content.decode()
    assert 'data-flagged="1"' in page and "无拍摄信息" in page
    url = f"/fieldwork/visits/{visit.pk}/photos/{photo.pk}/"
    assert client.get(url).status_code == 200
    assert world.client(world.district).get(url).status_code == 404


def test_disputed_list_and_resolve_page(data):
    world, _update, visit = data
    client = world.client(world.office)
    page = client.get("/fieldwork/visits/", {"status": "disputed"}).content.decode()
    assert f'data-visit="{visit.pk}"' in page
    detail = client.get(f"/fieldwork/visits/{visit.pk}/").content.decode()
    assert 'id="resolve-form"' in detail
    client.post(f"/fieldwork/visits/{visit.pk}/resolve/", {"note": "已核实", "version": 0})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DISPUTED  # stale version: nothing changed
    client.post(f"/fieldwork/visits/{visit.pk}/resolve/", {"note": "已核实", "version": 1})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RESOLVED
    page = client.get("/fieldwork/visits/", {"status": "disputed"}).content.decode()
    assert f'data-visit="{visit.pk}"' not in page


@pytest.mark.parametrize(("who", "expected"), [(r, 403) for r in ROLES[1:-1]] + [("outsider", 404)])
def test_settings_office_only(world, who, expected):
    assert status(world, who, "get", "/fieldwork/settings/") == expected


def test_office_edits_settings(world):
    client = world.client(world.office)
    assert client.get("/fieldwork/settings/").status_code == 200
    body = {"dispute_percent": "15", "distance_km": "1.5", "update_days": "10", "version": 1}
    assert client.post("/fieldwork/settings/", body).status_code == 302
    rules = world.programme.fieldwork_settings
    assert (rules.dispute_percent, rules.distance_km, rules.update_days) == (
        Decimal("15"),
        Decimal("1.5"),
        10,
    )
    assert client.post("/fieldwork/settings/", body).status_code == 200  # stale version


# --- API --------------------------------------------------------------------------------


def api(world, who):
    from django.test import Client

    token = create_token(getattr(world, who), "tests", by=getattr(world, who))[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("who", "count"),
    [(r, 1) for r in ROLES[:-1]] + [("outsider", 0)],
)
def test_api_reads_updates(data, who, count):
    world, update, _visit = data
    client = api(world, who)
    body = client.get("/api/updates").json()
    assert body["count"] == count
    expected = 200 if count else 404
    assert client.get(f"/api/updates/{update.pk}").status_code == expected


@pytest.mark.parametrize(
    ("who", "own", "other"),
    [
        ("office", 403, 403),
        ("inspector", 403, 403),
        ("member", 201, 403),
        ("other_member", 403, 201),
        ("district", 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_api_posts_updates(world, who, own, other):
    client = api(world, who)
    body = {"text": "进展", "percent_complete": 50}
    assert post_json(client, "/api/updates", {**body, "project": world.own.pk}).status_code == own
    response = post_json(client, "/api/updates", {**body, "project": world.other.pk})
    assert response.status_code == other


def test_api_update_validation_and_photos(world):
    client = api(world, "member")
    bad = post_json(
        client, "/api/updates", {"project": world.own.pk, "text": "x", "percent_complete": 120}
    )
    assert bad.status_code == 422
    made = post_json(
        client, "/api/updates", {"project": world.own.pk, "text": "进展", "percent_complete": 5}
    )
    update_id = made.json()["id"]
    response = client.post(f"/api/updates/{update_id}/photos", {"photos": [jpeg(name="x.jpg")]})
    assert response.status_code == 201 and len(response.json()["photos"]) == 1
    office = api(world, "office")
    assert office.post(f"/api/updates/{update_id}/photos", {"photos": [jpeg()]}).status_code == 403
    assert ProgressUpdate.objects.get().photos.count() == 1


@pytest.mark.parametrize(
    ("who", "read", "count", "record", "resolve"),
    [
        ("office", 200, 1, 201, 200),
        ("leader", 200, 1, 403, 403),
        ("inspector", 200, 1, 201, 403),
        ("member", 200, 1, 403, 403),
        ("other_member", 404, 0, 403, 404),
        ("district", 404, 0, 403, 404),
        ("department_user", 404, 0, 403, 404),
        ("outsider", 404, 0, 404, 404),
    ],
)
def test_api_visits(data, who, read, count, record, resolve):
    world, _update, visit = data
    client = api(world, who)
    assert client.get(f"/api/visits/{visit.pk}").status_code == read
    assert client.get("/api/visits", {"status": "disputed"}).json()["count"] == count
    body = {
        "project": world.own.pk,
        "month": "2025-08-01",
        "visit_date": "2025-09-03",
        "people": "督导组",
        "verified_investment": "2000.00",
    }
    assert post_json(client, "/api/visits", body).status_code == record
    response = post_json(client, f"/api/visits/{visit.pk}/resolve", {"note": "已核实"})
    assert response.status_code == resolve


def test_api_visit_flow(located):
    world = located
    report(world.own, ytd="2000.00")
    client = api(world, "inspector")
    body = {
        "project": world.own.pk,
        "month": "2025-08-01",
        "visit_date": "2025-09-03",
        "people": "督导组",
        "verified_investment": 2500,
    }
    made = post_json(client, "/api/visits", body).json()
    assert made["status"] == "disputed" and made["gap_percent"] == "25.0"
    assert made["reported_investment"] == "2000.00"
    photo = jpeg(datetime.datetime(2025, 5, 1, 8), 35.2517, 113.1283)
    response = client.post(f"/api/visits/{made['id']}/photos", {"photos": [photo]})
    flags = response.json()["photos"][0]["flags"]
    assert response.status_code == 201 and len(flags) == 1 and "不在核验窗口" in flags[0]
    office = api(world, "office")
    stale = post_json(office, f"/api/visits/{made['id']}/resolve", {"note": "x", "version": 0})
    assert stale.status_code == 409
    done = post_json(office, f"/api/visits/{made['id']}/resolve", {"note": "x", "version": 1})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    invalid = post_json(client, "/api/visits", {**body, "verified_investment": -5})
    assert invalid.status_code == 422


def test_api_visit_labels_and_refusals_follow_accept_language(data):
    world, _update, visit = data
    client = api(world, "office")
    chinese = client.get(f"/api/visits/{visit.pk}").json()
    english = client.get(f"/api/visits/{visit.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (chinese["status_label"], english["status_label"]) == ("存在争议", "Disputed")
    refused = api(world, "inspector").post(
        f"/api/visits/{visit.pk}/resolve",
        json.dumps({"note": "已核实"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the programme office resolves disputes"
