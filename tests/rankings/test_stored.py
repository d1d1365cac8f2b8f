"""The kept ranking (`rankings.stored`: scored on change, ranked and paged in SQL) equals
the ranking computed afresh from the data (`scoring.compute` with the measures computed
from scratch), on a generated programme, before and after writes through the services.
Also runs on PostgreSQL (KEYWORKS_DATABASE_URL)."""

import re

import pytest
from django.test import Client, override_settings

from keyworks.coordination import services as coordination_services
from keyworks.coordination.models import Problem, ProblemStatus
from keyworks.demo.synth import build_synth
from keyworks.ledger import services as ledger_services
from keyworks.orgs.models import Region, Role, User
from keyworks.rankings import stored
from keyworks.rankings.models import RankingEntry, RankingScheme
from keyworks.rankings.periods import periods_of
from keyworks.rankings.scoring import DIMENSIONS, compute
from keyworks.rankings.services import update_scheme
from keyworks.reporting.figures import forget_snapshots
from keyworks.reporting.services import pause_project


def row(r) -> tuple:
    parts = [(p.code, p.weight, p.score, p.figure, p.no_data) for p in r.parts]
    return (r.key, r.label, r.rank, r.total, parts)


def kept(programme, period) -> dict:
    stored.fresh(programme, period)
    return {
        dimension: [
            (
                key,
                label,
                [row(r) for r in stored.RankedRows(programme, period, dimension, key).all()],
            )
            for key, label in stored.tables_of(programme, period, dimension)
        ]
        for dimension, _label in DIMENSIONS
    }


def computed(programme, period) -> dict:
    scheme = RankingScheme.for_programme(programme).as_json()
    with override_settings(MEASURES_CACHE=False):
        tables = compute(programme, period, scheme)
    return {
        dimension: [
            (t.group_key, t.group_label, [row(r) for r in t.rows]) for t in tables[dimension]
        ]
        for dimension, _label in DIMENSIONS
    }


def office_of(programme) -> User:
    return User.objects.filter(roles__role=Role.OFFICE, roles__programme=programme).first()


@pytest.fixture
def generated(db, settings):
    settings.MEASURES_CACHE = True
    forget_snapshots()
    programme = build_synth(projects=40, seed=11, months=12, problems=120).programme
    yield programme, office_of(programme)
    forget_snapshots()


def assert_same(programme):
    for period in periods_of(programme)[2:]:
        assert kept(programme, period) == computed(programme, period), period.label


def test_the_kept_ranking_equals_the_one_computed_afresh(generated):
    programme, office = generated
    assert_same(programme)
    assert RankingEntry.objects.filter(programme_id=programme.pk, dimension="project").exists()


def test_after_writes_the_kept_ranking_still_equals_the_one_computed_afresh(generated):
    programme, office = generated
    assert_same(programme)  # kept rows exist: what follows is scored project by project
    projects = list(programme.projects.order_by("seq"))
    first, second, third, fourth = projects[:4]
    ledger_services.update_project(
        first, {"annual_investment": first.annual_investment * 3}, by=office
    )
    regions = list(Region.objects.filter(parent__isnull=False).order_by("pk")[:2])
    ledger_services.update_project(second, {"districts": [r.pk for r in regions]}, by=office)
    ledger_services.update_project(third, {"name": f"{third.name}（二期）"}, by=office)
    pause_project(fourth, by=office, reason="征迁未完成")
    ledger_services.archive_project(projects[5], by=office, reason="撤销")
    problem = Problem.objects.filter(
        project__programme=programme, status__in=[ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS]
    ).first()
    coordination_services.void(problem, by=office, reason="重复登记")
    assert_same(programme)
    weights = {"weight_investment": 50, "weight_milestones": 10, "weight_problems": 20}
    weights |= {"weight_reports": 10, "weight_verification": 10}
    update_scheme(programme, weights | {"red_count": 2, "black_count": 4}, by=office)
    assert_same(programme)


ROW = re.compile(
    r'<tr data-key="([^"]*)" data-rank="(\d+)" data-total="([^"]*)" data-movement="([^"]*)"'
)


def shown(client, url) -> list:
    html = client.get(url).content.decode()
    lists = re.findall(r'data-list="(?:red|black|own)".*?</(?:ol|ul)>', html, re.S)
    count = re.findall(r'data-count="(\d+)"', html)
    return [ROW.findall(html), lists, count, html.count("no-verification")]


def test_the_page_shows_the_same_rows_kept_or_computed(generated):
    programme, office = generated
    client = Client()
    client.force_login(office)
    member = User.objects.filter(roles__role=Role.TASKFORCE, roles__programme=programme).first()
    member_client = Client()
    member_client.force_login(member)
    base = f"/rankings/?programme={programme.code}&period=2025-11"
    urls = [
        f"{base}&tab={tab}{extra}"
        for tab, _label in DIMENSIONS
        for extra in ("", "&page=2", "&q=1")
    ]
    for url in urls:
        for who in (client, member_client):
            with override_settings(MEASURES_CACHE=False):
                expected = shown(who, url)
            assert shown(who, url) == expected, url
