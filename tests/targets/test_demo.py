"""The demo's annual targets: accepted for most projects, a few waiting, one returned,
three raised by 10% and two completions shortened by the review; loading twice adds
nothing."""

from decimal import Decimal

import pytest

from keyworks.demo.loader import load_demo
from keyworks.targets import demo as targets_demo
from keyworks.targets import services
from keyworks.targets.models import AnnualTarget, ItemState, TargetStatus


@pytest.fixture
def programme(db):
    return load_demo().programme


def test_demo_targets(programme):
    targets = AnnualTarget.objects.filter(project__programme=programme)
    projects = programme.projects.count()
    current = [services.accepted_target(p, programme.year) for p in programme.projects.all()]
    assert sum(t is not None for t in current) >= projects - 4
    assert targets.filter(status=TargetStatus.SUBMITTED).count() == 2
    returned = targets.get(status=TargetStatus.RETURNED)
    assert returned.items.filter(state=ItemState.RETURNED).exclude(comment="").exists()
    raised = targets.filter(revision=2, reason=targets_demo.REVISION_REASON)
    assert sorted(t.project.name for t in raised) == sorted(targets_demo.REVISED)
    for revised in raised:
        first = targets.get(project=revised.project, revision=1)
        assert revised.status == TargetStatus.ACCEPTED and revised.reviewed_at
        assert revised.investment == (first.investment * Decimal("1.1")).quantize(Decimal("0.01"))
        assert services.accepted_target(revised.project, programme.year) == revised
        revised.project.refresh_from_db()
        assert revised.project.annual_investment == revised.investment
    shortened = targets.filter(revision=2, reason=targets_demo.SHORTEN_REASON)
    assert {t.project.name for t in shortened} == set(targets_demo.SHORTENED)
    for revised in shortened:
        name, new_date = targets_demo.SHORTENED[revised.project.name]
        first = targets.get(project=revised.project, revision=1)
        assert revised.status == TargetStatus.ACCEPTED and revised.investment == first.investment
        assert first.items.get(name=name).planned_date > revised.items.get(name=name).planned_date
        revised.project.refresh_from_db()
        assert revised.project.planned_finish == new_date
        assert revised.project.milestones.get(name=name).planned_date == new_date
    assert targets.filter(revision=2).count() == len(targets_demo.REVISED) + len(shortened)
    for target in current:
        if target is not None:
            assert target.project.annual_investment == target.investment
    assert targets.filter(items__kind="indicator").exists()


def test_loading_twice_adds_nothing(programme):
    count = AnnualTarget.objects.count()
    assert not targets_demo.load_demo(programme)
    result = load_demo()
    assert not result.created.get("annual_targets")
    assert AnnualTarget.objects.count() == count


def test_demo_pages_show_the_states(programme):
    from django.test import Client
    from django.urls import reverse

    from keyworks.orgs.models import User

    client = Client()
    client.force_login(User.objects.get(username="office"))
    listing = client.get(reverse("targets:target_list")).content.decode()
    assert 'data-count="submitted">2<' in listing
    revised = AnnualTarget.objects.filter(reason=targets_demo.REVISION_REASON).first()
    page = client.get(reverse("targets:project", args=[revised.project_id, programme.year]))
    assert 'data-revision="2"' in page.content.decode()
    assert targets_demo.REVISION_REASON in page.content.decode()
    returned = AnnualTarget.objects.get(status=TargetStatus.RETURNED)
    page = client.get(reverse("targets:project", args=[returned.project_id, programme.year]))
    assert targets_demo.RETURN_COMMENT in page.content.decode()
