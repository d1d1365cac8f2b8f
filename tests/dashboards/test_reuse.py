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


def test_a_draft_save_leaves_the_month_series_reused_and_an_acceptance_moves_it(world, reuse):
    """The S-curve sums accepted reports only: saving a draft (every minute on deadline
    day) must not make every dashboard recompute it; accepting a report must."""
    import datetime

    from keyworks.reporting import services as report_services
    from tests.reporting.conftest import draft

    programme = world.programme.pk
    series = revisions.generation(programme, "accepted")
    everything = revisions.generation(programme)
    report = draft(world, month=datetime.date(2025, 5, 1))
    assert revisions.generation(programme, "accepted") == series
    assert revisions.generation(programme) > everything
    report = report_services.submit(report, by=world.member)
    report = report_services.review(report, by=world.district)
    report_services.accept(report, by=world.office)
    assert revisions.generation(programme, "accepted") > series


def test_the_dashboards_series_follows_an_acceptance(world, reuse):
    import datetime

    from tests.reporting.conftest import reviewed

    client = world.client(world.office)
    url = "/dashboards/command/data.json"
    before = json.loads(client.get(url, {"month": "2025-05"}).content)["s"]["actual"][4]
    report = reviewed(world, month=datetime.date(2025, 5, 1), completed_this_month=Decimal("700"))
    assert json.loads(client.get(url, {"month": "2025-05"}).content)["s"]["actual"][4] == before
    from keyworks.reporting import services as report_services

    report_services.accept(report, by=world.office)
    after = json.loads(client.get(url, {"month": "2025-05"}).content)["s"]["actual"][4]
    assert Decimal(after) == Decimal(before) + Decimal("700")


def test_a_problem_moves_the_problem_counts_only(world, reuse):
    from tests.coordination.conftest import raised

    programme = world.programme.pk
    problems, series = (revisions.generation(programme, t) for t in ("problems", "accepted"))
    raised(world)
    assert revisions.generation(programme, "problems") > problems
    assert revisions.generation(programme, "accepted") == series


def test_a_cache_that_cannot_be_reached_neither_refuses_a_save_nor_a_page(world, settings):
    """A Redis outage: saves go through (their generation not moved) and pages are
    computed afresh instead of answering 500."""
    settings.MEASURES_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    project = world.own
    ledger_services.update_project(
        project, {"total_investment": Decimal("12345")}, by=world.office,
        expected_version=project.version,
    )  # fmt: skip
    assert totals(world.client(world.office).get(MAP))[world.own.pk] == 12345


def test_a_reused_body_is_never_served_in_another_language(world, reuse):
    client = world.client(world.office)
    chinese = json.loads(client.get(MAP).content)
    english = json.loads(client.get(MAP, HTTP_ACCEPT_LANGUAGE="en").content)
    assert [label for _key, label in chinese["m"]][0] == "项目数"
    assert [label for _key, label in english["m"]][0] == "Projects"
    assert json.loads(client.get(MAP).content)["m"] == chinese["m"]
