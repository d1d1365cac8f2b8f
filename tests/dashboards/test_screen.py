import json
import re

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from keyworks.audit.models import ChangeRecord
from keyworks.dashboards import screen_links, services
from keyworks.dashboards.models import ScreenLink
from keyworks.dashboards.permissions import ScreenViewer, can_manage_screen_links
from keyworks.dashboards.views_command import command_figures
from keyworks.ledger.models import Programme, Project
from keyworks.ledger.permissions import can
from keyworks.rankings.periods import Period
from keyworks.rankings.services import ranking_for
from keyworks.reporting.measures import default_month

SCREEN = "/dashboards/screen/"
SCREEN_DATA = "/dashboards/screen/data.json"
LINKS = "/dashboards/screen-links/"
CREATE = "/dashboards/screen-links/new/"
READERS = ["office", "leader", "inspector", "member", "other_member", "district", "department_user"]


def link_urls(token: str) -> list[str]:
    base = f"/dashboards/screen/{token}/"
    return [base, base + "geo.json", base + "map.json", base + "data.json"]


def new_link(world, name="会议室") -> str:
    _link, raw = services.create_screen_link(world.programme, name, by=world.office)
    return raw


def test_office_creates_a_link_shown_once_and_audited(world):
    client = world.client(world.office)
    response = client.post(CREATE, {"name": "三楼会议室"})
    assert response.status_code == 302
    link = ScreenLink.objects.get()
    assert link.name == "三楼会议室" and link.created_by == world.office
    page = client.get(response["Location"]).content.decode()
    url = re.search(r'id="screen-link-url" readonly value="([^"]+)"', page)[1]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert screen_links.digest(token) == link.digest and token not in link.digest
    assert link.prefix == token[:8]
    again = client.get(LINKS).content.decode()
    assert token not in again and link.prefix in again  # shown once only
    record = ChangeRecord.objects.get(action="create_screen_link")
    assert record.actor == world.office and record.programme_id == world.programme.pk
    assert record.after == {"name": "三楼会议室", "prefix": link.prefix}


def test_a_link_opens_the_screen_without_login(world):
    token = new_link(world)
    anonymous = world.client(None)
    for url in link_urls(token):
        response = anonymous.get(url)
        assert response.status_code == 200, url
    page = anonymous.get(link_urls(token)[0]).content.decode()
    assert f"/dashboards/screen/{token}/data.json" in page and "指挥调度大屏" in page
    data = json.loads(anonymous.get(link_urls(token)[3]).content)
    assert data["figures"]["projects"] == 2
    assert json.loads(anonymous.get(link_urls(token)[2]).content)["n"] == 2
    assert ScreenLink.objects.get().last_used_at is not None


def test_the_token_opens_nothing_else(world):
    token = new_link(world)
    anonymous = world.client(None)
    for url in ("/dashboards/map/data.json", "/dashboards/command/data.json", SCREEN_DATA,
                "/dashboards/schedule/data.json", "/ledger/", "/api/projects"):  # fmt: skip
        response = anonymous.get(url, {"token": token}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code in (302, 401), url
    for bad in ("nope", token[:-1] + ("A" if token[-1] != "A" else "B")):
        for url in link_urls(bad):
            assert anonymous.get(url).status_code == 404


def test_revoked_links_stop_working_and_revocation_is_audited(world):
    token = new_link(world)
    link = ScreenLink.objects.get()
    assert world.client(world.office).post(f"{LINKS}{link.pk}/revoke/").status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    for url in link_urls(token):
        assert world.client(None).get(url).status_code == 404
    record = ChangeRecord.objects.get(action="revoke_screen_link")
    assert record.actor == world.office and record.before == {"revoked_at": None}


def test_a_link_shows_only_its_own_programme(world):
    other = Programme.objects.create(code="other", name="别的计划", year=2025, region=world.city)
    _link, raw = services.create_screen_link(other, "x", by=_superuser())
    data = json.loads(world.client(None).get(link_urls(raw)[3]).content)
    assert data["programme"] == "别的计划" and data["figures"]["projects"] == 0
    assert json.loads(world.client(None).get(link_urls(raw)[2]).content)["n"] == 0


def _superuser():
    from keyworks.orgs.models import User

    return User.objects.create_superuser("root", password="x-123-secret")


@pytest.mark.parametrize("role", READERS)
def test_signed_in_members_open_the_screen(world, role):
    client = world.client(getattr(world, role))
    assert client.get(SCREEN).status_code == 200
    assert client.get(SCREEN_DATA).status_code == 200


@pytest.mark.parametrize("role", [r for r in READERS if r != "office"])
def test_only_the_office_manages_links(world, role):
    token = new_link(world)
    link = ScreenLink.objects.get()
    client = world.client(getattr(world, role))
    assert client.get(LINKS).status_code == 403
    assert client.post(CREATE, {"name": "x"}).status_code == 403
    assert client.post(f"{LINKS}{link.pk}/revoke/").status_code == 403
    assert ScreenLink.objects.count() == 1 and ScreenLink.objects.get().revoked_at is None
    assert world.client(None).get(link_urls(token)[0]).status_code == 200


def test_outsiders_and_anonymous(world):
    new_link(world)
    link = ScreenLink.objects.get()
    outsider, anonymous = world.client(world.outsider), world.client(None)
    for url in (SCREEN, SCREEN_DATA, LINKS):
        assert outsider.get(url).status_code == 404
        assert anonymous.get(url).status_code == 302
    assert outsider.post(CREATE).status_code == 404
    assert outsider.post(f"{LINKS}{link.pk}/revoke/").status_code == 404
    assert anonymous.post(f"{LINKS}{link.pk}/revoke/").status_code == 302
    assert world.client(world.office).get(f"{LINKS}{link.pk}/revoke/").status_code == 405


def test_screen_figures_are_the_command_dashboard_figures(world):
    client = world.client(world.leader)
    data = json.loads(client.get(SCREEN_DATA).content)
    request = RequestFactory().get("/", QueryDict())
    request.user = world.leader
    month = default_month(world.programme)
    figures, _measures = command_figures(request, world.programme, month)
    assert data["figures"]["projects"] == figures["projects"]
    assert data["figures"]["problems_open"] == figures["problems_open"]
    assert data["figures"]["rate"] == str(figures["completion_rate"])
    assert data["month"] == f"{month:%Y-%m}"
    ranked = ranking_for(world.programme, Period.default(world.programme))
    district = ranked.tables["district"][0]
    assert data["ranking"]["unit"] == "分"
    assert data["ranking"]["rows"] == [
        [r.label, str(r.total), r.movement_label] for r in district.rows
    ]
    assert sum(count for _label, count, _hex in data["lights"]) == 2


def test_screen_viewer_reads_but_cannot_change(world):
    viewer = ScreenViewer(world.programme)
    assert set(Project.objects.restrict(viewer)) == {world.own, world.other}
    assert can(viewer, "view", world.own)
    for action in ("change", "change_milestones", "archive"):
        assert not can(viewer, action, world.own)
    assert not can_manage_screen_links(viewer, world.programme)
    assert not can(viewer, "import", world.programme)


def test_without_a_ranking_the_screen_ranks_districts_by_completion_rate(world, monkeypatch):
    from types import SimpleNamespace

    from keyworks.dashboards import views_screen

    nothing = SimpleNamespace(tables={}, period=None)
    monkeypatch.setattr(views_screen.ranking_services, "ranking_for", lambda *a: nothing)
    data = json.loads(world.client(world.leader).get(SCREEN_DATA).content)
    assert data["ranking"]["unit"] == "%"
    assert [r[0] for r in data["ranking"]["rows"]] == ["解放区", "武陟县"]


def test_the_screen_ranks_every_district(world):
    from keyworks.orgs.models import Region
    from tests.conftest import make_project

    for i in range(12):
        region = Region.objects.create(name=f"第{i}区", parent=world.city, kind="district")
        make_project(world.programme, world.infra, 50 + i, f"项目{i}", region, f"专班{i}")
    data = json.loads(world.client(world.leader).get(SCREEN_DATA).content)
    names = [row[0] for row in data["ranking"]["rows"]]
    assert len(names) == 14 and {f"第{i}区" for i in range(12)} <= set(names)


def test_the_screen_says_when_its_figures_are_demo_data(world):
    client = world.client(world.leader)
    assert 'id="scr-demo"' not in client.get(SCREEN).content.decode()
    Programme.objects.filter(pk=world.programme.pk).update(is_demo=True)
    assert 'id="scr-demo"' in client.get(SCREEN).content.decode()
