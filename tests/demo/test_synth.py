"""`keyworks synth`: reproducible province-scale synthetic programmes."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from keyworks.core.validators import validate_credit_code, validate_project_code
from keyworks.demo.synth import SynthExistsError, build_synth, plan
from keyworks.ledger.models import Milestone, Programme, Project, TaskForce, TaskForceMember
from keyworks.orgs.models import Region, Role, RoleAssignment, Unit, User

pytestmark = pytest.mark.django_db


def fingerprint(code: str) -> list[tuple]:
    """What must be identical for the same seed (ids aside)."""
    rows = []
    for p in (
        Project.objects.filter(programme__code=code)
        .order_by("seq")
        .select_related("owner", "category", "task_force")
        .prefetch_related("districts")
    ):
        rows.append(
            (
                p.seq,
                p.name,
                p.code,
                p.category.code,
                p.grade,
                p.stage,
                p.total_investment,
                p.completed_investment,
                p.annual_investment,
                p.planned_start,
                p.planned_finish,
                p.actual_start,
                p.actual_finish,
                p.longitude,
                p.latitude,
                p.owner.name if p.owner else None,
                p.task_force.lead_official,
                tuple(sorted(r.code for r in p.districts.all())),
            )
        )
    return rows


def test_it_builds_the_requested_size():
    result = build_synth(projects=50, seed=3)
    programme = result.programme
    assert programme.code == "synth-3" and programme.is_demo
    assert programme.region.code == "990000"
    assert Region.objects.filter(parent=programme.region, kind=Region.Kind.CITY).count() == 18
    assert Region.objects.filter(parent__parent=programme.region).count() == 150
    assert programme.projects.count() == 50
    assert TaskForce.objects.filter(project__programme=programme).count() == 50
    assert TaskForceMember.objects.filter(task_force__project__programme=programme).count() == 100
    assert Milestone.objects.filter(project__programme=programme).count() >= 150
    assert programme.categories.count() == 5
    roles = RoleAssignment.objects.filter(programme=programme)
    assert roles.filter(role=Role.TASKFORCE).count() == 50
    assert roles.filter(role=Role.DISTRICT).count() == 150
    assert roles.filter(role=Role.OFFICE, user__username="synth-3-office").count() == 1
    for project in programme.projects.prefetch_related("districts"):
        validate_project_code(project.code)
        assert project.districts.exists()
        assert project.code.split("-")[1] in {r.code for r in project.districts.all()}
        assert 0 <= project.completed_investment <= project.total_investment
    for unit in Unit.objects.exclude(credit_code=""):
        validate_credit_code(unit.credit_code)


def test_taskforce_users_belong_to_their_projects():
    programme = build_synth(projects=20, seed=4).programme
    for project in programme.projects.order_by("seq"):
        user = User.objects.get(username=f"synth-4-tf{project.seq:05d}")
        assert RoleAssignment.objects.get(user=user).task_force_id == project.task_force_id
        assert project.task_force.members.filter(user=user).exists()


def test_same_seed_gives_the_same_programme():
    build_synth(projects=50, seed=7, code="synth-a")
    build_synth(projects=50, seed=7, code="synth-b")
    assert fingerprint("synth-a") == fingerprint("synth-b")
    assert len(fingerprint("synth-a")) == 50


def test_another_seed_gives_another_programme():
    build_synth(projects=50, seed=7)
    build_synth(projects=50, seed=8)
    a, b = fingerprint("synth-7"), fingerprint("synth-8")
    assert [r[1] for r in a] != [r[1] for r in b]
    assert [r[6] for r in a] != [r[6] for r in b]


def test_plan_is_a_pure_function_of_seed_and_size():
    assert plan(30, 5) == plan(30, 5)
    assert plan(30, 5) != plan(30, 6)
    assert plan(30, 5)[:10] == plan(10, 5)


def test_geography_is_shared_between_programmes():
    build_synth(projects=10, seed=1)
    regions = Region.objects.count()
    build_synth(projects=10, seed=2)
    assert Region.objects.count() == regions


def test_existing_code_is_an_error_unless_replaced():
    build_synth(projects=30, seed=9)
    with pytest.raises(SynthExistsError):
        build_synth(projects=30, seed=9)
    before = fingerprint("synth-9")
    users = User.objects.count()
    build_synth(projects=30, seed=9, replace=True)
    assert fingerprint("synth-9") == before
    assert User.objects.count() == users
    assert TaskForce.objects.count() == 30
    assert Programme.objects.filter(code="synth-9").count() == 1


def test_replace_refuses_a_programme_that_is_not_synthetic(world):
    with pytest.raises(SynthExistsError):
        build_synth(projects=5, seed=1, code="jz2025", replace=True)
    assert world.programme.projects.count() == 2


def test_command_prints_a_summary():
    out = StringIO()
    call_command("synth", "--projects", "25", "--seed", "11", stdout=out)
    text = out.getvalue()
    assert "synth-11" in text and "项目 25" in text
    assert Programme.objects.get(code="synth-11").projects.count() == 25
    with pytest.raises(CommandError):
        call_command("synth", "--projects", "25", "--seed", "11", stdout=StringIO())
    call_command(
        "synth", "--projects", "5", "--seed", "11", "--programme", "bench", stdout=StringIO()
    )
    assert Programme.objects.get(code="bench").projects.count() == 5


def test_command_speaks_english_when_run_in_english():
    out = StringIO()
    with translation.override("en"):
        call_command("synth", "--projects", "1", "--seed", "12", stdout=out)
        with pytest.raises(CommandError, match="^Programme synth-12 exists; use --replace"):
            call_command("synth", "--projects", "1", "--seed", "12", stdout=StringIO())
        with pytest.raises(CommandError, match="^--months must be between 0 and 12$"):
            call_command("synth", "--months", "13", stdout=StringIO())
    first, created, took = out.getvalue().splitlines()
    assert first.startswith("Programme synth-12 “") and first.endswith(", 1 project")
    assert created.startswith("Created: ") and "projects 1" in created
    assert took.startswith("Took ") and "with the demo password" in took


def test_months_adds_accepted_reports_that_the_measures_count():
    import datetime

    from keyworks.reporting.measures import project_measures, rollup
    from keyworks.reporting.models import MonthlyReport, ReportStatus

    result = build_synth(projects=20, seed=5, months=3)
    programme = result.programme
    reports = MonthlyReport.objects.filter(project__programme=programme)
    assert result.created["reports"] == reports.count() == 60
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}
    assert sorted(set(reports.values_list("month", flat=True))) == [
        datetime.date(2025, m, 1) for m in (1, 2, 3)
    ]
    (total,) = rollup(project_measures(programme, datetime.date(2025, 3, 1)), "programme")
    assert total.ytd_completed == sum(r.completed_this_month for r in reports)
    assert total.completion_rate is not None and total.completion_rate > 0
    # Replacing a programme with reports removes them with it.
    build_synth(projects=20, seed=5, replace=True)
    assert not MonthlyReport.objects.filter(project__programme__code="synth-5").exists()


def test_problems_have_a_history_that_the_as_of_list_replays():
    import datetime

    from keyworks.coordination.filters import with_state
    from keyworks.coordination.models import (
        FINAL_STATUSES,
        EscalationLevel,
        Problem,
        ProblemEvent,
        ProblemStatus,
    )
    from keyworks.core.calendar import end_of_day

    result = build_synth(projects=30, seed=6, problems=90)
    programme = result.programme
    problems = Problem.objects.filter(project__programme=programme)
    events = ProblemEvent.objects.filter(problem__project__programme=programme)
    assert result.created["problems"] == problems.count() == 90
    assert result.created["problem_events"] == events.count() > 90
    # Every problem starts with its raise event; its last event holds its current state.
    for p in with_state(problems).prefetch_related("events"):
        history = list(p.events.all())
        assert history[0].kind == ProblemEvent.Kind.RAISE and history[0].at == p.raised_at
        assert (p.status_then, p.level_then) == (p.status, p.level)
        assert p.version == len(history)
    statuses = set(problems.values_list("status", flat=True))
    assert {ProblemStatus.CLOSED, ProblemStatus.IN_PROGRESS} <= statuses
    assert problems.filter(level__gte=EscalationLevel.OFFICE).exists()
    raised = problems.values_list("raised_at", flat=True)
    assert min(raised).year == 2025 and max(raised).year == 2026
    # Lead units are the synthetic units (district governments, departments).
    units = problems.exclude(lead_unit=None).values_list("lead_unit__name", flat=True)
    assert all(name.startswith("合成省") or name.endswith("人民政府") for name in units)
    # As of mid-2025 more of the problems raised by then were open than are open now.
    cutoff = end_of_day(datetime.date(2025, 6, 30))
    earlier = problems.filter(raised_at__lt=cutoff)
    open_then = with_state(earlier, cutoff).exclude(status_then__in=FINAL_STATUSES).count()
    assert open_then > earlier.exclude(status__in=FINAL_STATUSES).count()


def test_same_seed_gives_the_same_problems_and_replace_removes_them():
    from keyworks.coordination.models import Problem, ProblemEvent

    def problems(code):
        return list(
            Problem.objects.filter(project__programme__code=code)
            .order_by("project__seq", "raised_at", "category")
            .values_list("project__seq", "category", "raised_at", "status", "level", "deadline")
        )

    build_synth(projects=10, seed=7, problems=25)
    first = problems("synth-7")
    build_synth(projects=10, seed=7, problems=25, replace=True)
    assert problems("synth-7") == first and len(first) == 25
    build_synth(projects=10, seed=7, replace=True)
    assert not Problem.objects.filter(project__programme__code="synth-7").exists()
    assert not ProblemEvent.objects.filter(problem__project__programme__code="synth-7").exists()


def test_command_takes_problems():
    from keyworks.coordination.models import Problem

    out = StringIO()
    call_command("synth", projects=4, seed=8, problems=12, stdout=out)
    assert Problem.objects.filter(project__programme__code="synth-8").count() == 12
    assert "问题 12" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("synth", projects=4, seed=9, problems=-1, stdout=StringIO())
