"""Dashboard data is reused until the programme's data changes, never across permissions."""

import json
from decimal import Decimal

import pytest

from keyworks.audit import revisions
from keyworks.ledger import services as ledger_services

MAP = "/dashboards/map/data.json"


@pytest.fixture
def reuse(settings):
    settings.MEASURES_CACHE = True
    revisions.clear()
    yield
    revisions.clear()


def totals(response) -> dict:
    return {row[0]: row[6] for row in json.loads(response.content)["p"]}


def test_map_data_follows_an_audited_change_at_once(world, reuse):
    client = world.client(world.office)
    assert totals(client.get(MAP))[world.own.pk] == 10000
    project = world.own
    ledger_services.update_project(
        project, {"total_investment": Decimal("12345")}, by=world.office,
        expected_version=project.version,
    )  # fmt: skip
    assert totals(client.get(MAP))[world.own.pk] == 12345


def test_a_reused_body_is_never_served_to_someone_who_may_not_see_it(world, reuse):
    assert world.client(world.office).get(MAP).status_code == 200
    assert world.client(world.outsider).get(MAP).status_code == 404


def test_without_reuse_every_request_builds_afresh(world, settings):
    settings.MEASURES_CACHE = False
    client = world.client(world.office)
    client.get(MAP)
    world.own.__class__.objects.filter(pk=world.own.pk).update(total_investment=Decimal("777"))
    assert totals(client.get(MAP))[world.own.pk] == 777


@pytest.mark.parametrize(
    "url",
    [
        MAP,
        "/dashboards/command/data.json",
        "/dashboards/schedule/data.json",
        "/dashboards/screen/data.json",
    ],
)
def test_chart_data_travels_compressed_to_a_browser_that_accepts_it(world, url):
    import gzip

    client = world.client(world.office)
    plain = client.get(url, {"programme": "jz2025"})
    packed = client.get(url, {"programme": "jz2025"}, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert json.loads(gzip.decompress(packed.content)) == json.loads(plain.content)
