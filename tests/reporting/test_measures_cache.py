"""Measures reused until programme data changes; the month series equals the rollups."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.audit import revisions
from keyworks.reporting import services
from keyworks.reporting.measures import programme_months, project_measures, rollup
from keyworks.reporting.models import MonthlyReport

from .test_measures import AUG, at, day, figures, paused_at  # noqa: F401 (fixture)


@pytest.fixture
def cached(settings):
    settings.MEASURES_CACHE = True
    revisions.clear()
    yield
    revisions.clear()


def test_repeat_asks_one_query_and_gives_the_same_figures(world, figures, cached):  # noqa: F811
    first = project_measures(world.programme, AUG)
    with CaptureQueriesContext(connection) as ctx:
        again = project_measures(world.programme, AUG)
    assert len(ctx.captured_queries) == 1  # the programme's revision
    assert again == first and again is not first


def test_a_change_through_the_services_is_seen_at_once(world, figures, cached):  # noqa: F811
    before = project_measures(world.programme, AUG)[world.own.pk].ytd_completed
    report = MonthlyReport.objects.get(project=world.own, month=AUG)
    services.accept(services.review(report, by=world.district), by=world.office)
    after = project_measures(world.programme, AUG)[world.own.pk].ytd_completed
    assert (before, after) == (Decimal("1680.00"), Decimal("2180.00"))


def test_an_explicit_moment_is_never_cached(world, figures, cached):  # noqa: F811
    project_measures(world.programme, AUG)
    with CaptureQueriesContext(connection) as ctx:
        project_measures(world.programme, AUG, now=at(12, 1))
    assert len(ctx.captured_queries) > 1


def test_changing_the_returned_dict_leaves_the_cache_alone(world, figures, cached):  # noqa: F811
    project_measures(world.programme, AUG).clear()
    assert len(project_measures(world.programme, AUG)) == 3


@pytest.mark.parametrize("paused", [False, True])
def test_month_series_equals_the_rollup_of_each_month(world, figures, paused):  # noqa: F811
    if paused:
        paused_at(world, figures, at(6, 10), at(7, 20))
    now = at(11, 15)
    series = programme_months(world.programme, day(9, 1), now=now)
    assert [p.month for p in series] == [day(m, 1) for m in range(1, 10)]
    for point in series:
        (total,) = rollup(project_measures(world.programme, point.month, now=now), "programme")
        assert (point.annual_target, point.ytd_completed) == (
            total.annual_target,
            total.ytd_completed,
        ), point.month
    assert series[6].ytd_completed == Decimal("2680.00")  # July: own 1680 + other 1000
    if paused:
        assert series[5].annual_target == Decimal("8000.00")  # June: the third is paused


def test_month_series_asks_a_constant_number_of_queries(world, figures):  # noqa: F811
    with CaptureQueriesContext(connection) as ctx:
        programme_months(world.programme, datetime.date(2025, 12, 1))
    assert len(ctx.captured_queries) <= 4
