"""Stored figures (reporting.figures): read instead of recomputed, always equal to the
figures computed afresh, whatever sequence of writes came before."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyworks.ledger import services as ledger_services
from keyworks.ledger.models import Project
from keyworks.reporting import figures as stored
from keyworks.reporting import services
from keyworks.reporting.lights import project_lights
from keyworks.reporting.measures import _compute, programme_months, project_measures, rollup
from keyworks.reporting.models import MonthlyReport, ProjectFigures, ReportStatus, StaleFigures
from keyworks.reporting.services import pause_project, resume_project

from .conftest import draft
from .test_measures import AUG, at, day, figures  # noqa: F401 (fixture)

MONTHS = [day(6, 1), day(7, 1), AUG]
HAN = re.compile(r"[\u4e00-\u9fff]")
NOW = at(11, 15)


@pytest.fixture
def kept(settings):
    settings.MEASURES_CACHE = True


def same_as_recomputed(programme, month, now=NOW):
    assert project_measures(programme, month, now=now) == _compute(programme, month, now)
    # what this process keeps for a fixed moment (a meeting day's end), with its lights
    at_moment = project_measures(programme, month, now=now, keep=True)
    assert at_moment == _compute(programme, month, now)
    assert project_lights(programme, month, now=now, keep=True) == project_lights(
        programme, month, measures=_compute(programme, month, now), now=now
    )
    # and what this process keeps for the present (the snapshot), with its lights
    kept = project_measures(programme, month)
    afresh = _compute(programme, month, None)
    assert kept == afresh and list(kept) == list(afresh)
    assert project_lights(programme, month, measures=kept) == project_lights(
        programme, month, measures=afresh
    )


def test_a_second_read_asks_a_constant_number_of_queries(world, figures, kept):  # noqa: F811
    first = project_measures(world.programme, AUG, now=NOW)
    assert ProjectFigures.objects.filter(month=AUG).count() == 3
    with CaptureQueriesContext(connection) as ctx:
        again = project_measures(world.programme, AUG, now=NOW)
    # state, stale marks, stored rows with their projects, districts, overdue, pauses
    assert len(ctx.captured_queries) == 6
    assert again == first == _compute(world.programme, AUG, NOW)


def test_the_present_is_kept_by_the_process_and_asks_two_queries(world, figures, kept):  # noqa: F811
    first = project_measures(world.programme, AUG)
    project_lights(world.programme, AUG, measures=first)
    with CaptureQueriesContext(connection) as ctx:
        again = project_measures(world.programme, AUG)
        lights = project_lights(world.programme, AUG, measures=again)
    assert len(ctx.captured_queries) == 2  # the programme's stamp, its stale marks
    assert again == first == _compute(world.programme, AUG, None)
    assert lights == project_lights(
        world.programme, AUG, measures=_compute(world.programme, AUG, None)
    )


def test_a_fixed_moment_is_kept_by_the_process_and_asks_two_queries(world, figures, kept):  # noqa: F811
    first = project_lights(world.programme, AUG, now=NOW, keep=True)
    with CaptureQueriesContext(connection) as ctx:
        again = project_lights(world.programme, AUG, now=NOW, keep=True)
    assert len(ctx.captured_queries) == 2  # the state and the stale marks
    measures = _compute(world.programme, AUG, NOW)
    assert again == first == project_lights(world.programme, AUG, measures=measures, now=NOW)


def test_the_kept_lights_give_their_reasons_in_the_language_asked(world, figures, kept):  # noqa: F811
    kept_measures = project_measures(world.programme, AUG)
    chinese = project_lights(world.programme, AUG, measures=kept_measures)
    with translation.override("en"):
        english = project_lights(
            world.programme, AUG, measures=project_measures(world.programme, AUG)
        )
    reasons = [r for light in english.values() for r in light.reasons]
    assert reasons and not any(HAN.search(r) and "月报" in r for r in reasons)
    assert any("report" in r for r in reasons)
    again = project_lights(world.programme, AUG, measures=project_measures(world.programme, AUG))
    assert again == chinese


def test_after_a_save_the_process_takes_in_only_the_changed_rows(world, figures, kept):  # noqa: F811
    project_measures(world.programme, AUG)
    report = MonthlyReport.objects.get(project=world.own, month=AUG)
    services.review(report, by=world.district)
    with CaptureQueriesContext(connection) as ctx:
        after = project_measures(world.programme, AUG)
    changed = [
        q["sql"] for q in ctx.captured_queries if 'stamp" > ' in q["sql"] or '"stamp" >' in q["sql"]
    ]
    assert changed  # the rows stamped since the snapshot's
    assert after == _compute(world.programme, AUG, None)


def test_a_change_through_the_services_is_seen_at_once(world, figures, kept):  # noqa: F811
    before = project_measures(world.programme, AUG)[world.own.pk].ytd_completed
    report = MonthlyReport.objects.get(project=world.own, month=AUG)
    services.accept(services.review(report, by=world.district), by=world.office)
    assert StaleFigures.objects.filter(project_id=world.own.pk).exists()
    after = project_measures(world.programme, AUG)[world.own.pk].ytd_completed
    assert (before, after) == (Decimal("1680.00"), Decimal("2180.00"))
    assert not StaleFigures.objects.exists()


def test_only_the_changed_project_is_computed_again(world, figures, kept):  # noqa: F811
    project_measures(world.programme, AUG)
    untouched = ProjectFigures.objects.get(project=world.other, month=AUG).pk
    report = MonthlyReport.objects.get(project=world.own, month=AUG)
    services.review(report, by=world.district)
    project_measures(world.programme, AUG)
    assert ProjectFigures.objects.get(project=world.other, month=AUG).pk == untouched
    assert ProjectFigures.objects.filter(project=world.own, month=AUG).count() == 1


def test_a_rolled_back_change_leaves_no_mark(world, figures, kept):  # noqa: F811
    project_measures(world.programme, AUG)
    report = MonthlyReport.objects.get(project=world.own, month=AUG)
    with pytest.raises(ValidationError):
        services.return_report(report, by=world.office, comment="")
    assert not StaleFigures.objects.exists()


def test_the_clock_still_moves_what_depends_on_it(world, figures, kept):  # noqa: F811
    for now in (at(8, 20), at(9, 1), at(12, 31)):
        same_as_recomputed(world.programme, AUG, now)


def test_recompute_measures_rebuilds_every_row(world, figures, kept):  # noqa: F811
    project_measures(world.programme, AUG)
    # a write that bypasses the change log: only the command (or a mark) brings it in
    MonthlyReport.objects.filter(project=world.other, month=day(7, 1)).update(
        completed_this_month=Decimal("1500")
    )
    assert project_measures(world.programme, AUG) != _compute(world.programme, AUG, None)
    call_command("recompute-measures", "--programme", world.programme.code, verbosity=0)
    assert project_measures(world.programme, AUG) == _compute(world.programme, AUG, None)


def test_recompute_measures_names_an_unknown_programme(world, kept):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有编码为"):
        call_command("recompute-measures", "--programme", "nope")


@pytest.mark.parametrize("paused", [False, True])
def test_month_series_equals_the_rollup_of_each_month(world, figures, paused, kept):  # noqa: F811
    if paused:
        pause_project(world.other, by=world.office, reason="征迁未完成")
    series = programme_months(world.programme, day(9, 1), now=NOW)
    for point in series:
        (total,) = rollup(project_measures(world.programme, point.month, now=NOW), "programme")
        assert (point.annual_target, point.ytd_completed) == (
            total.annual_target,
            total.ytd_completed,
        ), point.month


def test_month_series_asks_a_constant_number_of_queries(world, figures):  # noqa: F811
    with CaptureQueriesContext(connection) as ctx:
        programme_months(world.programme, datetime.date(2025, 12, 1))
    # the sums, the paused projects and their months, and the target in force per month
    assert len(ctx.captured_queries) <= 5 + 12


# Writes through the services, in any order, with reads in between that store rows.
PROJECTS = st.sampled_from(["own", "other"])
STEPS = st.one_of(
    st.tuples(st.just("submit"), PROJECTS, st.sampled_from(MONTHS), st.integers(0, 3000)),
    st.tuples(st.just("review"), PROJECTS, st.sampled_from(MONTHS)),
    st.tuples(st.just("accept"), PROJECTS, st.sampled_from(MONTHS)),
    st.tuples(st.just("return"), PROJECTS, st.sampled_from(MONTHS)),
    st.tuples(st.just("target"), PROJECTS, st.integers(0, 9000)),
    st.tuples(st.just("start"), PROJECTS, st.sampled_from([None, day(5, 20), day(7, 3)])),
    st.tuples(st.just("pause"), PROJECTS),
    st.tuples(st.just("resume"), PROJECTS),
    st.tuples(st.just("read"), st.sampled_from(MONTHS)),
)


def apply(world, step) -> None:
    kind, *args = step
    if kind == "read":
        project_measures(world.programme, args[0], now=NOW)
        return
    project = getattr(world, args[0])
    member = world.member if args[0] == "own" else world.other_member
    report = None
    if kind in ("review", "accept", "return"):
        report = MonthlyReport.objects.filter(project=project, month=args[1]).first()
        if report is None:
            return
    try:
        if kind == "submit":
            services.submit(
                draft(world, project, args[1], completed_this_month=Decimal(args[2])), by=member
            )
        elif kind == "review":
            services.review(report, by=world.district)
        elif kind == "accept":
            services.accept(report, by=world.office)
        elif kind == "return":
            services.return_report(report, by=world.office, comment="数据有误")
        elif kind == "target":
            ledger_services.update_project(
                project, {"annual_investment": Decimal(args[1])}, by=world.office
            )
        elif kind == "start":
            ledger_services.update_project(project, {"actual_start": args[1]}, by=world.office)
        elif kind == "pause":
            pause_project(project, by=world.office, reason="暂缓")
        elif kind == "resume":
            resume_project(project, by=world.office)
    except (PermissionDenied, ValidationError):
        pass  # a step the rules refuse writes nothing; the figures must still agree


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, max_size=12))
def test_stored_equals_recomputed_after_any_writes(world, kept, steps):
    for step in steps:
        apply(world, step)
    for month in MONTHS:
        same_as_recomputed(world.programme, month)
    assert Project.objects.filter(programme=world.programme).count() == 2
    assert set(MonthlyReport.objects.values_list("status", flat=True)) <= set(ReportStatus)
    stored.rows(world.programme, AUG)  # and a read with no changes pending stores nothing
    assert not StaleFigures.objects.exists()
