"""The scoring scheme: validation, audit, optimistic locking, permissions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import ChangeRecord
from keyworks.rankings import services
from keyworks.rankings.models import RankingScheme
from tests.conftest import race_first_save

GOOD = {
    "weight_investment": 40,
    "weight_milestones": 20,
    "weight_problems": 20,
    "weight_reports": 10,
    "weight_verification": 10,
    "red_count": 3,
    "black_count": 3,
}


def test_defaults_without_a_row(world):
    scheme = RankingScheme.for_programme(world.programme)
    assert scheme.pk is None
    assert scheme.weights() == {
        "investment": 40,
        "milestones": 20,
        "problems": 20,
        "reports": 10,
        "verification": 10,
    }
    assert (scheme.red_count, scheme.black_count) == (3, 3)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"weight_investment": 50}, "__all__"),  # adds up to 110
        ({"weight_reports": -5, "weight_investment": 55}, "weight_reports"),
        ({"weight_problems": "x"}, "weight_problems"),
        ({"red_count": 11}, "red_count"),
        ({"black_count": None}, "black_count"),
    ],
)
def test_invalid_schemes_are_refused(world, change, field):
    with pytest.raises(ValidationError) as exc:
        services.update_scheme(world.programme, {**GOOD, **change}, by=world.office)
    assert field in exc.value.message_dict
    assert not RankingScheme.objects.exists()


def test_update_is_audited_and_versioned(world):
    scheme = services.update_scheme(world.programme, GOOD, by=world.office)
    assert scheme.version == 1
    changed = {**GOOD, "weight_investment": 30, "weight_milestones": 30}
    scheme = services.update_scheme(world.programme, changed, by=world.office, expected_version=1)
    assert scheme.version == 2
    record = ChangeRecord.objects.filter(object_type="rankings.rankingscheme").latest("pk")
    assert record.action == "update"
    assert record.before == {"weight_investment": 40, "weight_milestones": 20}
    assert record.after == {"weight_investment": 30, "weight_milestones": 30}
    with pytest.raises(services.ConcurrentEditError):
        services.update_scheme(world.programme, GOOD, by=world.office, expected_version=1)
    assert RankingScheme.objects.get().weight_investment == 30


@pytest.mark.parametrize("role", ["leader", "inspector", "member", "district", "department_user"])
def test_only_office_changes_the_scheme(world, role):
    with pytest.raises(PermissionDenied):
        services.update_scheme(world.programme, GOOD, by=getattr(world, role))


def test_two_first_saves_at_once(world, monkeypatch):
    """The other first save wins; this one updates it (no version) or is told (409)."""
    made = race_first_save(monkeypatch, RankingScheme, programme=world.programme, red_count=5)
    changed = {**GOOD, "black_count": 4}
    scheme = services.update_scheme(world.programme, changed, by=world.office)
    assert made and scheme.pk == made[0].pk and scheme.version == 2
    assert (scheme.red_count, scheme.black_count) == (3, 4)
    assert RankingScheme.objects.count() == 1


def test_a_first_save_from_the_form_after_another_is_a_conflict(world, monkeypatch):
    race_first_save(monkeypatch, RankingScheme, programme=world.programme, red_count=5)
    with pytest.raises(services.ConcurrentEditError):
        services.update_scheme(world.programme, GOOD, by=world.office, expected_version=1)
