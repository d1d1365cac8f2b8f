import datetime
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.audit.models import ChangeRecord
from keyworks.core.calendar import SHANGHAI
from keyworks.ledger.models import Project, Stage, TaskForce

DATA = "/dashboards/map/data.json"
GEO = "/dashboards/map/geo.json"


def locate(world, lng="113.230000", lat="35.240000"):
    Project.objects.filter(pk=world.own.pk).update(longitude=Decimal(lng), latitude=Decimal(lat))
    Project.objects.filter(pk=world.other.pk).update(
        longitude=Decimal("113.401679"),
        latitude=Decimal("35.099378"),
        stage=Stage.CONSTRUCTION,
        geometry={"type": "LineString", "coordinates": [[113.3, 35.0], [113.45, 35.12345678]]},
    )


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_pages_need_login_and_membership(mapped_world):
    world = mapped_world
    anonymous = world.client(None)
    for url in ("/dashboards/map/", DATA, GEO):
        assert anonymous.get(url).status_code == 302
    outsider = world.client(world.outsider)
    for url in ("/dashboards/map/", DATA, GEO, f"/dashboards/map/project/{world.own.pk}/"):
        assert outsider.get(url).status_code == 404
    response = world.client(world.member).get("/dashboards/map/")
    assert response.status_code == 200
    assert "挂图作战" in response.content.decode()


def test_geo_json_has_the_programme_districts(mapped_world):
    geo = get_json(mapped_world.client(mapped_world.leader), GEO)
    names = [f["properties"]["name"] for f in geo["features"]]
    assert names == ["解放区", "武陟县"]
    assert geo["features"][0]["geometry"]["coordinates"][0][0] == [113.18, 35.2]


def test_member_sees_the_whole_programme_on_the_map(mapped_world):
    world = mapped_world
    locate(world)
    data = get_json(world.client(world.member), DATA)
    assert data["n"] == 2
    by_id = {p[0]: p for p in data["p"]}
    own = by_id[world.own.pk]
    assert own[1:3] == [113.23, 35.24]
    assert own[5] == "牧野路改造工程"
    assert own[6:] == [10000, 25]  # total 万元, completion %
    stage_dim = next(d for d in data["dims"] if d["k"] == "stage")
    assert stage_dim["v"][by_id[world.other.pk][stage_dim["i"]]] == "在建"
    category_dim = next(d for d in data["dims"] if d["k"] == "category")
    assert category_dim["v"][own[category_dim["i"]]] == "十大工业"
    assert data["l"][str(world.other.pk)] == [[113.3, 35.0], [113.45, 35.12346]]
    assert data["d"] == {"解放区": [1, 10000, 2500, 0], "武陟县": [1, 10000, 2500, 0]}
    assert [m[0] for m in data["m"]] == ["count", "total", "completed"]


def test_unplaced_projects_have_null_coordinates(mapped_world):
    data = get_json(mapped_world.client(mapped_world.leader), DATA)
    assert [p[1:3] for p in data["p"]] == [[None, None], [None, None]]


def test_filters_change_the_points(mapped_world):
    world = mapped_world
    locate(world)
    client = world.client(world.leader)
    only = get_json(client, DATA, category=world.infra.pk)
    assert [p[0] for p in only["p"]] == [world.other.pk]
    assert only["d"] == {"武陟县": [1, 10000, 2500, 0]}
    assert [p[0] for p in get_json(client, DATA, stage="construction")["p"]] == [world.other.pk]
    assert [p[0] for p in get_json(client, DATA, district=world.district_a.pk)["p"]] == [
        world.own.pk
    ]


def add_projects(world, count, start=10):
    task_forces = TaskForce.objects.bulk_create(
        [TaskForce(name=f"专班{i}") for i in range(start, start + count)]
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                programme=world.programme,
                category=world.industry if i % 2 else world.infra,
                seq=i,
                name=f"焦作市重点建设项目第{i:05d}号工程",
                stage=Stage.CONSTRUCTION,
                total_investment=Decimal("123456.78"),
                completed_investment=Decimal("45678.91"),
                longitude=Decimal("113.123456"),
                latitude=Decimal("35.123456"),
                task_force=tf,
            )
            for i, tf in zip(range(start, start + count), task_forces, strict=True)
        ]
    )
    through = Project.districts.through
    through.objects.bulk_create(
        [through(project_id=p.pk, region_id=world.district_a.pk) for p in projects]
    )


def count_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        get_json(client, DATA, **params)
    return len(ctx.captured_queries)


def test_query_count_is_constant(mapped_world):
    world = mapped_world
    client = world.client(world.leader)
    client.get(DATA)  # session warm-up
    few = count_queries(client, category=world.industry.pk)
    add_projects(world, 40)
    assert count_queries(client, category=world.industry.pk) == few
    assert count_queries(client) <= few


def test_payload_for_ten_thousand_projects_is_under_a_megabyte(mapped_world):
    world = mapped_world
    add_projects(world, 2000)
    response = world.client(world.leader).get(DATA)
    data = json.loads(response.content)
    assert data["n"] == 2002
    per_project = len(response.content) / data["n"]
    print(f"map payload: {per_project:.1f} bytes per project")
    assert per_project * 10_000 < 1_000_000, per_project


def test_card_shows_figures_and_the_locate_button_only_to_editors(mapped_world):
    world = mapped_world
    url = f"/dashboards/map/project/{world.own.pk}/"
    office = world.client(world.office).get(url).content.decode()
    assert "在建" not in office and "前期" in office
    assert "10,000.00 万元" in office and "25%" in office
    assert f'href="/ledger/{world.own.pk}/"' in office
    assert 'id="card-locate"' in office
    assert 'id="card-locate"' in world.client(world.district).get(url).content.decode()
    assert 'id="card-locate"' not in world.client(world.leader).get(url).content.decode()


def test_office_sets_location_and_it_is_audited(mapped_world):
    world = mapped_world
    version = world.own.version
    response = world.client(world.office).post(
        f"/dashboards/map/project/{world.own.pk}/location/",
        {"lng": "113.2512345", "lat": "35.2498765", "version": version},
    )
    assert response.status_code == 200, response.content
    world.own.refresh_from_db()
    assert world.own.longitude == Decimal("113.251235")
    assert world.own.latitude == Decimal("35.249877")
    assert response.json()["version"] == version + 1
    record = ChangeRecord.objects.get(project_id=world.own.pk, action="update")
    assert record.actor == world.office
    assert record.before == {"longitude": None, "latitude": None}
    assert record.after == {"longitude": "113.251235", "latitude": "35.249877"}
    assert "地图" in record.reason
    stale = world.client(world.office).post(
        f"/dashboards/map/project/{world.own.pk}/location/",
        {"lng": "113.2", "lat": "35.2", "version": version},
    )
    assert stale.status_code == 409


def test_leader_may_not_set_location(mapped_world):
    world = mapped_world
    url = f"/dashboards/map/project/{world.own.pk}/location/"
    assert world.client(world.leader).post(url, {"lng": "113.2", "lat": "35.2"}).status_code == 403
    assert (
        world.client(world.outsider).post(url, {"lng": "113.2", "lat": "35.2"}).status_code == 404
    )
    assert world.client(world.office).get(url).status_code == 405
    world.own.refresh_from_db()
    assert world.own.longitude is None
    assert not ChangeRecord.objects.filter(project_id=world.own.pk).exists()


def test_bad_coordinates_are_refused(mapped_world):
    world = mapped_world
    url = f"/dashboards/map/project/{world.own.pk}/location/"
    client = world.client(world.office)
    assert client.post(url, {"lng": "abc", "lat": "35"}).status_code == 400
    assert client.post(url, {"lng": "200", "lat": "35"}).status_code == 400
    assert client.post(url, {"lat": "35"}).status_code == 400


def test_the_page_speaks_chinese_by_default_and_english_on_request(mapped_world):
    client = mapped_world.client(mapped_world.member)
    assert "挂图作战" in client.get("/dashboards/map/").content.decode()
    english = client.get("/dashboards/map/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Colour points by" in english and "挂图作战" not in english


def test_districts_without_a_boundary_are_listed_with_their_counts(mapped_world):
    """A district the map cannot draw (no boundary) is listed beside it, with its count;
    counts leave out the paused projects and say how many (as the measures do)."""
    from keyworks.orgs.models import Region
    from keyworks.reporting.measures import default_month
    from keyworks.reporting.models import ProjectPause
    from keyworks.reporting.services import pause_project

    world = mapped_world
    shapeless = Region.objects.create(
        code="410871", name="高新区", kind="district", parent=world.city
    )
    world.own.districts.add(shapeless)
    world.other.districts.add(shapeless)
    pause_project(world.other, by=world.office, reason="征迁未完成")
    month = default_month(world.programme)  # paused since that month began
    began = datetime.datetime(month.year, month.month, 2, tzinfo=SHANGHAI)
    ProjectPause.objects.filter(project=world.other).update(started_at=began)
    data = get_json(world.client(world.leader), DATA)
    assert data["o"] == [["高新区", 1, 10000, 2500, 1]]
    assert data["d"]["武陟县"][0] == 0 and data["d"]["武陟县"][3] == 1
    page = world.client(world.leader).get("/dashboards/map/").content.decode()
    assert 'id="map-shapeless-card"' in page and "不含暂停项目{n}个" in page
    screen = world.client(world.leader).get("/dashboards/screen/").content.decode()
    assert 'id="scr-shapeless"' in screen
