import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import ChangeRecord
from keyworks.coordination import measures, services
from keyworks.coordination.filters import ProblemFilter
from keyworks.coordination.models import EscalationLevel, Problem, ProblemEvent, ProblemStatus
from keyworks.coordination.permissions import (
    can_raise_problem,
    can_see_discipline,
    problem_steps,
)

from .conftest import FUTURE, backdate, other_department_user, raised, resolved

SH = ZoneInfo("Asia/Shanghai")


def records(problem):
    return list(
        ChangeRecord.objects.filter(
            object_type="coordination.problem", object_id=str(problem.pk)
        ).order_by("at", "id")
    )


# --- raising -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),
        ("member", True),
        ("district", True),
        ("inspector", True),
        ("leader", False),
        ("other_member", False),
        ("department_user", False),
        ("outsider", False),
    ],
)
def test_who_may_raise_a_problem_on_own_project(world, who, allowed):
    user = getattr(world, who)
    assert can_raise_problem(user, world.own) is allowed
    if allowed:
        problem = raised(world, by=user)
        assert problem.status == ProblemStatus.ASSIGNED
    else:
        with pytest.raises(PermissionDenied):
            raised(world, by=user)


def test_raise_writes_event_and_audit_and_assigns_when_lead_given(world):
    problem = raised(world)
    kinds = list(problem.events.values_list("kind", "status"))
    assert kinds == [("raise", "raised"), ("assign", "assigned")]
    assert [r.action for r in records(problem)] == ["create"]
    assert records(problem)[0].project_id == world.own.pk


def test_raising_with_a_lead_unit_audits_the_state_it_is_saved_in(world):
    problem = raised(world)
    (record,) = records(problem)
    saved = Problem.objects.get(pk=problem.pk)
    assert record.after["status"] == saved.status == ProblemStatus.ASSIGNED
    assert record.after["lead_unit"] == world.department.pk
    assert saved.version == 1  # created in its final state: nothing changed after the audit


def test_raise_without_lead_stays_raised_until_assigned(world):
    problem = raised(world, lead=False)
    assert problem.status == ProblemStatus.RAISED
    problem = services.assign(problem, by=world.district, lead_unit=world.department)
    assert problem.status == ProblemStatus.ASSIGNED
    assert problem.lead_unit == world.department


def test_past_deadline_on_creation_needs_a_reason(world):
    past = datetime.date.today() - datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        raised(world, deadline=past)
    assert "deadline_reason" in exc.value.error_dict
    assert not Problem.objects.exists()
    problem = raised(world, deadline=past, deadline_reason="补录上周调度会交办事项")
    assert problem.deadline == past


def test_raise_requires_category_and_description(world):
    with pytest.raises(ValidationError) as exc:
        raised(world, category="nonsense", description=" ")
    assert set(exc.value.error_dict) == {"category", "description"}


# --- handling --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),
        ("department_user", True),
        ("district", True),
        ("member", True),
        ("leader", False),
        ("inspector", False),
        ("other_member", False),
        ("outsider", False),
    ],
)
def test_who_may_add_a_handling_note(world, who, allowed):
    problem = raised(world)
    user = getattr(world, who)
    if allowed:
        services.add_note(problem, "已现场办公", by=user)
        assert problem.events.filter(kind="note", actor=user).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.add_note(problem, "已现场办公", by=user)


def test_assisting_unit_may_note_but_not_resolve(world):
    problem = raised(world, lead_unit=None)
    helper = other_department_user(world)
    problem = services.assign(
        problem, by=world.office, lead_unit=world.department, assisting_units=[helper.unit]
    )
    event = services.add_note(problem, "发改委配合出具意见", by=helper)
    assert event.unit == helper.unit
    with pytest.raises(PermissionDenied):
        services.resolve(problem, by=helper, note="已解决")


def test_a_unit_cannot_act_on_a_problem_not_assigned_to_it(world):
    problem = raised(world)
    stranger = other_department_user(world)
    assert not Problem.objects.restrict(stranger).filter(pk=problem.pk).exists()
    with pytest.raises(PermissionDenied):
        services.add_note(problem, "越权办理", by=stranger)
    with pytest.raises(PermissionDenied):
        services.resolve(problem, by=stranger, note="越权办结")
    assert problem.events.filter(kind="note").count() == 0


def test_first_note_moves_to_in_progress_and_resolve_needs_a_note(world):
    problem = raised(world)
    services.add_note(problem, "已受理", by=world.department_user)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.resolve(problem, by=world.department_user, note="  ")
    problem = services.resolve(problem, by=world.department_user, note="已批复")
    assert problem.status == ProblemStatus.RESOLVED
    assert problem.resolution_note == "已批复"


# --- closing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["department_user", "district", "member", "leader", "inspector", "other_member"]
)
def test_only_the_office_closes(world, who):
    problem = resolved(world)
    with pytest.raises(PermissionDenied):
        services.close(problem, by=getattr(world, who), note="核实已解决")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED


def test_office_closes_a_resolved_problem_with_audit(world):
    problem = resolved(world)
    problem = services.close(problem, by=world.office, note="现场核实，予以销号")
    assert problem.status == ProblemStatus.CLOSED
    assert problem.closed_at is not None
    actions = [r.action for r in records(problem)]
    assert actions == ["create", "note", "resolve", "close"]
    assert records(problem)[-1].after["status"] == "closed"


def test_closing_without_a_resolution_note_is_refused(world):
    problem = raised(world)
    with pytest.raises(ValidationError) as exc:
        services.close(problem, by=world.office)
    assert "note" in exc.value.error_dict
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ASSIGNED
    # The office may close directly when it gives the resolution itself.
    problem = services.close(problem, by=world.office, note="调度会议定，已解决")
    assert problem.resolution_note == "调度会议定，已解决"


def test_office_returns_a_resolved_problem(world):
    problem = resolved(world)
    with pytest.raises(ValidationError):
        services.return_problem(problem, by=world.office, note="")
    problem = services.return_problem(problem, by=world.office, note="现场核实未解决")
    assert problem.status == ProblemStatus.RETURNED
    with pytest.raises(PermissionDenied):
        services.return_problem(problem, by=world.office, note="again")  # not resolved now


# --- escalation, voiding, discipline -------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),
        ("district", True),
        ("member", False),
        ("department_user", False),
        ("leader", False),
        ("inspector", False),
    ],
)
def test_who_may_escalate(world, who, allowed):
    problem = raised(world)
    user = getattr(world, who)
    if allowed:
        problem = services.escalate(problem, by=user, level=EscalationLevel.OFFICE, note="逾期")
        assert problem.level == EscalationLevel.OFFICE
        assert problem.events.last().kind == "escalate"
    else:
        with pytest.raises(PermissionDenied):
            services.escalate(problem, by=user, level=EscalationLevel.OFFICE, note="逾期")


def test_escalate_only_upwards(world):
    problem = raised(world)
    problem = services.escalate(problem, by=world.office, level=EscalationLevel.DISPATCH, note="x")
    with pytest.raises(ValidationError):
        services.escalate(problem, by=world.office, level=EscalationLevel.OFFICE, note="y")
    problem.refresh_from_db()
    assert problem.level == EscalationLevel.DISPATCH


def test_escalating_a_closed_problem_is_refused(world):
    problem = services.close(resolved(world), by=world.office)
    with pytest.raises(ValidationError):
        services.escalate(problem, by=world.office, level=EscalationLevel.LEADERS, note="再议")
    problem.refresh_from_db()
    assert problem.level == EscalationLevel.DISTRICT
    assert not problem_steps(world.office, problem)["escalate"]


def test_void_needs_a_reason_and_keeps_the_row(world):
    problem = raised(world)
    with pytest.raises(PermissionDenied):
        services.void(problem, by=world.member, reason="重复")
    with pytest.raises(ValidationError):
        services.void(problem, by=world.office, reason="")
    problem = services.void(problem, by=world.office, reason="与#1重复")
    assert Problem.objects.filter(pk=problem.pk, status="voided", void_reason="与#1重复").exists()
    with pytest.raises(ValidationError):
        services.add_note(problem, "继续办理", by=world.department_user)


def test_only_inspectors_flag_and_only_inspectors_and_office_see_it(world):
    problem = raised(world)
    with pytest.raises(PermissionDenied):
        services.flag_discipline(problem, by=world.office, note="线索")
    problem = services.flag_discipline(problem, by=world.inspector, note="疑似吃拿卡要")
    assert problem.discipline_flag
    assert problem.events.get(kind="flag").confidential
    for who, sees in [("office", True), ("inspector", True), ("member", False), ("leader", False)]:
        assert can_see_discipline(getattr(world, who), world.programme.pk) is sees


# --- concurrency -----------------------------------------------------------------------


def test_two_handlers_at_once_lose_nothing(world):
    problem = raised(world)
    services.add_note(problem, "部门：已受理", by=world.department_user)
    services.add_note(problem, "县区：已协调", by=world.district)
    assert problem.events.filter(kind="note").count() == 2
    seen = Problem.objects.get(pk=problem.pk).version  # both opened the page at this version
    services.escalate(
        problem,
        by=world.district,
        level=EscalationLevel.TASK_FORCE,
        note="a",
        expected_version=seen,
    )
    with pytest.raises(services.ConcurrentEditError):
        services.escalate(
            problem, by=world.office, level=EscalationLevel.OFFICE, note="b", expected_version=seen
        )
    problem.refresh_from_db()
    assert problem.level == EscalationLevel.TASK_FORCE


# --- as of a past date -------------------------------------------------------------------


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SH)


def test_list_as_of_a_past_date_shows_the_state_then(world):
    d1, d2, d3 = datetime.date(2025, 3, 1), datetime.date(2025, 3, 10), datetime.date(2025, 3, 20)
    closed_later = raised(world, description="征迁未完成")
    backdate(closed_later, at(d1))
    services.add_note(closed_later, "推进中", by=world.department_user)
    services.resolve(closed_later, by=world.department_user, note="征迁完成")
    services.close(closed_later, by=world.office)
    ProblemEvent.objects.filter(problem=closed_later).exclude(kind__in=["raise", "assign"]).update(
        at=at(d3)
    )
    newer = raised(world, description="电力接入")
    backdate(newer, at(d3))

    def listed(day):
        f = ProblemFilter({"as_of": day.isoformat()}, queryset=Problem.objects.all())
        return {p.pk: p.status_then for p in f.qs}

    assert listed(d2) == {closed_later.pk: "assigned"}  # open then, newer not yet raised
    assert listed(d3) == {newer.pk: "assigned"}  # closed by the end of d3
    everything = ProblemFilter(
        {"as_of": d3.isoformat(), "state": "closed"}, queryset=Problem.objects.all()
    )
    assert [p.pk for p in everything.qs] == [closed_later.pk]


def test_unit_measures(world):
    problem = raised(world)
    services.close(resolved(world), by=world.office)
    rows = measures.unit_measures(Problem.objects.all())
    assert rows == [
        {
            "unit_id": world.department.pk,
            "unit": world.department.name,
            "open": 1,
            "closed": 1,
            "on_time": 1,
            "resolved": 1,
            "returned": 0,
            "avg_days": 0.0,
            "on_time_rate": 100.0,
            "reopened_rate": 0.0,
        }
    ]
    assert problem.pk
    assert FUTURE > datetime.date.today()
