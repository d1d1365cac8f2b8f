"""Reminders from annual targets, computed from the data."""

import datetime

from keyworks.targets.reminders import MISSING, RETURNED, REVIEW, reminders_for

from .conftest import accepted, drafted, returned, submitted

TODAY = datetime.date(2025, 2, 1)


def kinds(user):
    return sorted((r.kind, r.title.split("：")[0]) for r in reminders_for(user, TODAY))


def test_task_force_is_reminded_until_it_submits(world):
    assert kinds(world.member) == [(MISSING, world.own.name)]
    drafted(world)
    assert kinds(world.member) == [(MISSING, world.own.name)]
    target = submitted(world, world.other)
    assert kinds(world.other_member) == []
    assert target.pk


def test_office_is_reminded_of_targets_awaiting_review(world):
    assert kinds(world.office) == []
    target = submitted(world)
    (reminder,) = reminders_for(world.office, TODAY)
    assert reminder.kind == REVIEW
    assert reminder.url == f"/targets/{target.pk}/review/"
    assert kinds(world.leader) == []


def test_a_returned_target_reminds_its_task_force(world):
    returned(world)
    assert kinds(world.member) == [(RETURNED, world.own.name)]
    assert kinds(world.office) == []


def test_an_accepted_target_reminds_nobody(world):
    accepted(world)
    assert kinds(world.member) == []
    assert kinds(world.office) == []
