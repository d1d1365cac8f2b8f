import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import ChangeRecord
from keyworks.tasks import services
from keyworks.tasks.models import Task, TaskEvent, TaskStatus

from .conftest import FUTURE, TODAY, instruction, other_department_user, supervision


def test_supervision_flow_answer_return_answer_accept(world):
    task = supervision(world)
    assert task.status == TaskStatus.ISSUED and task.issued_by == world.inspector
    services.answer(task, by=world.department_user, text="已报省厅")
    task = services.return_task(task, by=world.inspector, note="请附批复文件")
    assert task.status == TaskStatus.RETURNED
    task = services.answer(task, by=world.department_user, text="已附批复文件")
    assert task.status == TaskStatus.ANSWERED and task.answer == "已附批复文件"
    task = services.accept(task, by=world.inspector)
    assert task.status == TaskStatus.ACCEPTED and task.accepted_at is not None
    kinds = list(task.events.values_list("kind", "status"))
    assert kinds == [
        ("issue", "issued"),
        ("answer", "answered"),
        ("return", "returned"),
        ("answer", "answered"),
        ("accept", "accepted"),
    ]
    assert task.version == 5
    actions = list(
        ChangeRecord.objects.filter(object_type="tasks.task", object_id=str(task.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "answer", "return", "answer", "accept"]
    with pytest.raises(ValidationError):  # closed: no further action
        services.answer(task, by=world.department_user, text="补充")


@pytest.mark.parametrize(
    ("who", "kind", "allowed"),
    [
        ("office", "supervision", True),
        ("inspector", "supervision", True),
        ("leader", "supervision", False),
        ("member", "supervision", False),
        ("department_user", "supervision", False),
        ("office", "decision", True),
        ("inspector", "decision", False),
        ("outsider", "supervision", False),
    ],
)
def test_who_may_issue(world, who, kind, allowed):
    call = lambda: supervision(world, by=getattr(world, who), kind=kind)  # noqa: E731
    if allowed:
        assert call().kind == kind
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_instructions_by_leader_or_recorded_by_office(world):
    own = instruction(world)
    assert own.issued_by == world.leader and own.recorded_by == world.leader
    recorded = instruction(world, by=world.office)
    assert recorded.issued_by == world.leader and recorded.recorded_by == world.office
    with pytest.raises(ValidationError):  # an instruction is a leader's
        instruction(world, by=world.office, issued_by=world.inspector)
    with pytest.raises(PermissionDenied):
        instruction(world, by=world.inspector)
    # the leader (issuer) and the office accept; the inspector does not
    services.answer(recorded, by=world.department_user, text="已推进")
    with pytest.raises(PermissionDenied):
        services.accept(recorded, by=world.inspector)
    assert services.accept(recorded, by=world.leader).status == TaskStatus.ACCEPTED


def test_only_the_lead_units_users_answer(world, helper):
    task = supervision(world, assisting_units=[helper.unit])
    for user in (helper, world.member, world.office, world.inspector, world.other_member):
        with pytest.raises(PermissionDenied):
            services.answer(task, by=user, text="反馈")
    with pytest.raises(ValidationError):
        services.answer(task, by=world.department_user, text="  ")
    assert services.answer(task, by=world.department_user, text="已办").status == "answered"


def test_accept_and_return_need_an_answer_and_the_issuer_or_office(world):
    task = supervision(world)
    with pytest.raises(PermissionDenied):  # nothing to accept yet
        services.accept(task, by=world.inspector)
    services.answer(task, by=world.department_user, text="已办")
    with pytest.raises(PermissionDenied):
        services.accept(task, by=world.department_user)
    with pytest.raises(PermissionDenied):
        services.return_task(task, by=world.leader, note="不行")
    with pytest.raises(ValidationError):  # a return needs a comment
        services.return_task(task, by=world.office, note="")
    assert services.return_task(task, by=world.office, note="不全").status == "returned"


def test_validation(world):
    with pytest.raises(ValidationError) as exc:
        supervision(world, text=" ", lead_unit=None, deadline=None)
    assert set(exc.value.error_dict) == {"text", "lead_unit", "deadline"}
    with pytest.raises(ValidationError) as exc:
        supervision(world, deadline=TODAY - datetime.timedelta(days=1))
    assert "deadline" in exc.value.error_dict
    with pytest.raises(ValidationError):
        supervision(world, kind="nonsense")
    # a past issue date allows a past deadline (recording an older instruction)
    old = supervision(
        world, issued_on=datetime.date(2025, 3, 1), deadline=datetime.date(2025, 3, 31)
    )
    assert old.issued_on == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.example/", "/\\evil.example"])
def test_subject_url_is_http_or_a_site_path(world, link):
    with pytest.raises(ValidationError) as caught:
        supervision(world, subject_label="调度会", subject_url=link)
    assert "subject_url" in caught.value.message_dict
    task = supervision(world, subject_label="调度会", subject_url=" /meetings/12/ ")
    assert task.subject_url == "/meetings/12/"


def test_links_must_belong_together(world):
    from keyworks.coordination.services import raise_problem

    problem = raise_problem(
        world.other,
        {"category": "land", "description": "用地", "deadline": FUTURE, "lead_unit": None},
        by=world.office,
    )
    task = supervision(world, project=None, problem=problem)
    assert task.project == world.other  # filled in from the problem
    with pytest.raises(ValidationError):
        supervision(world, project=world.own, problem=problem)


def test_stale_version_is_refused(world):
    task = supervision(world)
    services.answer(task, by=world.department_user, text="一", expected_version=1)
    with pytest.raises(services.ConcurrentEditError):
        services.answer(task, by=world.department_user, text="二", expected_version=1)
    assert Task.objects.get().answer == "一"
    assert TaskEvent.objects.filter(kind="answer").count() == 1


def test_overdue_means_deadline_passed_and_not_accepted():
    day = datetime.date(2025, 6, 1)
    past = datetime.date(2025, 5, 31)
    assert Task.was_overdue("issued", past, day)
    assert Task.was_overdue("answered", past, day)
    assert Task.was_overdue("returned", past, day)
    assert not Task.was_overdue("accepted", past, day)
    assert not Task.was_overdue("issued", day, day)


def test_unit_measures(world):
    helper = other_department_user(world)
    late = supervision(
        world, issued_on=datetime.date(2025, 3, 1), deadline=datetime.date(2025, 3, 31)
    )
    services.answer(late, by=world.department_user, text="迟办")
    services.accept(late, by=world.inspector)  # accepted after the deadline
    on_time = supervision(world)
    services.answer(on_time, by=world.department_user, text="按期")
    services.accept(on_time, by=world.office)
    supervision(world)  # open
    supervision(world, issued_on=datetime.date(2025, 3, 1), deadline=datetime.date(2025, 4, 1))
    supervision(world, lead_unit=helper.unit)
    rows = {r["unit"]: r for r in services.unit_measures(Task.objects.all())}
    dept = rows[world.department.name]
    assert (dept["open"], dept["overdue"], dept["accepted"], dept["on_time"]) == (2, 1, 2, 1)
    assert dept["on_time_rate"] == 50.0
    assert rows[helper.unit.name]["on_time_rate"] is None
