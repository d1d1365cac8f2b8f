"""Problem reminders: deadlines near (≤ 3 days) or past for the units and the task force;
close-out for the office."""

import datetime

import pytest

from keyworks.coordination import services as problem_services
from keyworks.coordination.models import Problem
from keyworks.coordination.reminders import NEAR_DAYS, reminders_for

from ..coordination.conftest import other_department_user
from .conftest import of_kind

TODAY = datetime.date(2026, 3, 10)


def deadline_items(user, today=TODAY):
    return of_kind(reminders_for(user, today), "problem_deadline")


def with_deadline(problem, deadline):
    Problem.objects.filter(pk=problem.pk).update(deadline=deadline)
    problem.refresh_from_db()
    return problem


@pytest.mark.parametrize(
    ("days", "expected"),
    [(NEAR_DAYS + 1, []), (NEAR_DAYS, [False]), (0, [False]), (-1, [True])],
)
def test_deadline_boundaries(world, make, days, expected):
    with_deadline(make.raised(world), TODAY + datetime.timedelta(days=days))
    assert [r.overdue for r in deadline_items(world.department_user)] == expected
    assert [r.overdue for r in deadline_items(world.member)] == expected


def test_who_is_reminded_of_a_deadline(world, make):
    problem = with_deadline(make.raised(world), TODAY - datetime.timedelta(days=2))
    assisting = other_department_user(world)
    problem.assisting_units.add(assisting.unit)
    for user in (world.department_user, world.member, assisting):
        [item] = deadline_items(user)
        assert item.url == f"/coordination/{problem.pk}/"
        assert item.due == problem.deadline and item.overdue
        assert "2 天" in item.title
    for user in (world.other_member, world.office, world.leader, world.inspector, world.outsider):
        assert deadline_items(user) == []


def test_resolved_problem_waits_for_the_office_not_the_units(world, make):
    problem = with_deadline(make.resolved(world), TODAY - datetime.timedelta(days=5))
    assert deadline_items(world.department_user) == []
    assert deadline_items(world.member) == []
    [item] = of_kind(reminders_for(world.office, TODAY), "problem_closeout")
    assert item.url == f"/coordination/{problem.pk}/"
    for user in (world.leader, world.member, world.district, world.department_user):
        assert of_kind(reminders_for(user, TODAY), "problem_closeout") == []


def test_closed_problem_reminds_nobody(world, make):
    problem = make.resolved(world)
    problem_services.close(problem, by=world.office, note="已核实")
    for user in (world.office, world.member, world.department_user):
        assert reminders_for(user, TODAY) == []
