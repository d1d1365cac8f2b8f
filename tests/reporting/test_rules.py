"""The office's warning-rules form (预警规则): matrix, validation, audit, stale edits."""

from decimal import Decimal

import pytest
from django.urls import reverse

from keyworks.audit.models import ChangeRecord
from keyworks.orgs.models import Role, RoleAssignment
from keyworks.reporting import rules, services
from keyworks.reporting.models import WarningRules

from ..conftest import make_user

URL = reverse("reporting:warning_rules")
READERS = ("leader", "inspector", "member", "other_member", "district", "department_user")


def opened(world) -> dict:
    """What the form holds when opened now (its initial values)."""
    client = world.client(world.office)
    form = client.get(URL).context["form"]
    return {k: form.initial[k] for k in form.fields}


def post(world, user, **changes):
    data = opened(world)
    data.update(changes)
    for flag in ("yellow_on_late_report", "red_on_missing_report"):
        if not data[flag]:
            data.pop(flag)
    return world.client(user).post(URL, data)


def test_office_opens_the_form_with_defaults(world):
    response = world.client(world.office).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "预警规则" in page and 'name="version"' in page
    assert response.context["form"].initial["report_due_day"] == 3


@pytest.mark.parametrize("role", READERS)
def test_others_in_the_programme_get_403(world, role):
    user = getattr(world, role)
    assert world.client(user).get(URL).status_code == 403
    assert post(world, user, red_milestone_days=5).status_code == 403
    assert not WarningRules.objects.exists()


def test_outsider_404_and_visitor_login(world):
    assert world.client(world.outsider).get(URL).status_code == 404
    assert world.client(None).get(URL).status_code == 302


def test_office_saves_rules_and_due_day_audited(world):
    response = post(
        world,
        world.office,
        yellow_lag_points="5",
        red_lag_points="20.5",
        red_milestone_days=15,
        yellow_on_late_report=False,
        report_due_day=10,
    )
    assert response.status_code == 302
    saved = WarningRules.objects.get(programme=world.programme)
    assert (saved.yellow_lag_points, saved.red_lag_points) == (Decimal("5"), Decimal("20.5"))
    assert saved.red_milestone_days == 15 and saved.yellow_on_late_report is False
    assert saved.red_on_missing_report is True
    world.programme.refresh_from_db()
    assert world.programme.report_due_day == 10
    records = ChangeRecord.objects.filter(programme_id=world.programme.pk)
    assert set(records.values_list("object_type", "action")) == {
        ("reporting.warningrules", "create"),
        ("ledger.programme", "update"),
    }
    assert records.get(object_type="ledger.programme").after == {"report_due_day": 10}
    # A second edit records only what changed.
    post(world, world.office, red_milestone_days=20)
    update = ChangeRecord.objects.get(object_type="reporting.warningrules", action="update")
    assert (update.before, update.after) == ({"red_milestone_days": 15}, {"red_milestone_days": 20})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"yellow_lag_points": "30", "red_lag_points": "30"}, "red_lag_points"),
        ({"yellow_lag_points": "40", "red_lag_points": "30"}, "red_lag_points"),
        ({"yellow_lag_points": "-1"}, "yellow_lag_points"),
        ({"red_milestone_days": "-1"}, "red_milestone_days"),
        ({"report_due_day": "0"}, "report_due_day"),
        ({"report_due_day": "29"}, "report_due_day"),
        ({"red_lag_points": "abc"}, "red_lag_points"),
    ],
)
def test_invalid_values_are_refused_and_nothing_saved(world, changes, field):
    response = post(world, world.office, **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not WarningRules.objects.exists()
    world.programme.refresh_from_db()
    assert world.programme.report_due_day == 3


def test_stale_form_is_refused_with_a_message_and_nothing_lost(world):
    stale = opened(world)
    assert post(world, world.office, red_milestone_days=40).status_code == 302
    stale.update(red_milestone_days=50)
    response = world.client(world.office).post(URL, stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已被他人修改" in page
    assert 'id="tried-values"' in page and "50" in page
    assert WarningRules.objects.get().red_milestone_days == 40
    # The form now carries the current values and saves.
    assert response.context["form"].initial["red_milestone_days"] == 40


def test_service_refuses_non_office_and_stale_version(world):
    values = rules.current_values(world.programme, WarningRules.for_programme(world.programme))
    with pytest.raises(services.RulesConcurrentEditError):
        services.save_rules(world.programme, values, by=world.office, expected_version=3)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_rules(world.programme, values, by=world.leader, expected_version=0)


def second_office(world):
    user = make_user("office2", "刘办公")
    RoleAssignment.objects.create(user=user, programme=world.programme, role=Role.OFFICE)
    return user


def test_two_office_users_the_second_save_is_refused_and_nothing_changes(world):
    """Both open the page; one changes only the due day (a field of the programme, not of
    the rules row); the other's save of the rules is refused and changes nothing."""
    other = second_office(world)
    post(world, world.office, red_milestone_days=40)  # the rules exist (version 1)
    stale = opened(world)
    assert stale["version"] == 1
    assert post(world, other, report_due_day=7).status_code == 302
    records = ChangeRecord.objects.count()
    response = world.client(world.office).post(URL, {**stale, "red_milestone_days": 50})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    saved = WarningRules.objects.get()
    world.programme.refresh_from_db()
    assert (saved.red_milestone_days, saved.version) == (40, 2)
    assert world.programme.report_due_day == 7  # the other user's change stands
    assert ChangeRecord.objects.count() == records
    assert response.context["form"].initial["version"] == 2


def test_a_save_that_changes_nothing_keeps_the_version(world):
    post(world, world.office, red_milestone_days=40)
    assert post(world, world.office).status_code == 302
    assert WarningRules.objects.get().version == 1


def test_lights_use_the_saved_rules(world):
    post(world, world.office, yellow_lag_points="1", red_lag_points="2")
    assert WarningRules.for_programme(world.programme).red_lag_points == Decimal("2")


def test_measures_page_links_to_the_form_for_the_office_only(world):
    measures = reverse("reporting:measures")
    assert 'id="edit-rules"' in world.client(world.office).get(measures).content.decode()
    assert 'id="edit-rules"' not in world.client(world.leader).get(measures).content.decode()
