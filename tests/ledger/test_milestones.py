"""Milestone durations (工期) on the project page: saved through the service, audited."""

import pytest

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Milestone


def add(client, project, **extra):
    data = {"name": "主体封顶", "planned_date": "2025-09-30", "actual_date": "", **extra}
    return client.post(f"/ledger/{project.pk}/milestones/", data)


def test_member_adds_a_milestone_with_a_duration_and_it_is_audited(world):
    response = add(world.client(world.member), world.own, duration_days="90")
    assert response.status_code == 302
    milestone = Milestone.objects.get(project=world.own)
    assert milestone.duration_days == 90
    record = ChangeRecord.objects.get(object_type="ledger.milestone", object_id=str(milestone.pk))
    assert record.after["duration_days"] == 90


def test_duration_is_optional(world):
    add(world.client(world.office), world.own, duration_days="")
    assert Milestone.objects.get(project=world.own).duration_days is None


@pytest.mark.parametrize("days", ["0", "-5", "4000", "abc"])
def test_bad_durations_are_refused(world, days):
    response = add(world.client(world.office), world.own, duration_days=days)
    assert response.status_code == 302
    assert not Milestone.objects.filter(project=world.own).exists()


def test_project_page_offers_the_duration_field(world):
    Milestone.objects.create(
        project=world.own, name="竣工", planned_date="2025-12-31", duration_days=120
    )
    page = world.client(world.member).get(f"/ledger/{world.own.pk}/").content.decode()
    assert 'name="duration_days"' in page
    assert "工期" in page and "120" in page


def test_other_task_force_may_not_add_milestones(world):
    response = add(world.client(world.other_member), world.own, duration_days="30")
    assert response.status_code == 403
    assert not Milestone.objects.exists()
