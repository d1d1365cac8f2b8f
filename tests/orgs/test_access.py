"""The permission rules as a matrix: role × action × own/other project."""

import pytest

from keyworks.ledger.permissions import DISTRICT_FIELDS, can, editable_fields

ROLES = [
    "office",
    "leader",
    "inspector",
    "member",
    "other_member",
    "district",
    "department_user",
    "outsider",
]
YES = True
NO = False

# action -> {role: (on own project, on other project)}
MATRIX = {
    "view": {r: (YES, YES) for r in ROLES} | {"outsider": (NO, NO)},
    "change": {
        "office": (YES, YES),
        "leader": (NO, NO),
        "inspector": (NO, NO),
        "member": (YES, NO),
        "other_member": (NO, YES),
        "district": (YES, NO),
        "department_user": (NO, NO),
        "outsider": (NO, NO),
    },
    "view_contacts": {r: (NO, NO) for r in ROLES}
    | {
        "office": (YES, YES),
        "member": (YES, NO),
        "other_member": (NO, YES),
    },
    "change_task_force": {r: (NO, NO) for r in ROLES}
    | {
        "office": (YES, YES),
        "member": (YES, NO),
        "other_member": (NO, YES),
    },
    "archive": {r: (NO, NO) for r in ROLES} | {"office": (YES, YES)},
}


@pytest.mark.parametrize("action", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, role, action):
    user = getattr(world, role)
    expected_own, expected_other = MATRIX[action][role]
    assert can(user, action, world.own) is expected_own
    assert can(user, action, world.other) is expected_other


@pytest.mark.parametrize(
    "role,fields",
    [
        ("office", None),
        ("district", DISTRICT_FIELDS),
        ("leader", frozenset()),
    ],
)
def test_editable_fields(world, role, fields):
    assert editable_fields(getattr(world, role), world.own) == fields


def test_task_force_cannot_change_structural_fields(world):
    fields = editable_fields(world.member, world.own)
    assert "total_investment" in fields and "category" not in fields and "code" not in fields


def test_archived_projects_are_read_only_even_for_their_task_force(world):
    from keyworks.ledger import services

    services.archive_project(world.own, by=world.office, reason="合并")
    world.own.refresh_from_db()
    assert not can(world.member, "change", world.own)
    assert can(world.member, "view", world.own)


@pytest.mark.parametrize("role,allowed", [(r, r == "office") for r in ROLES])
def test_programme_actions(world, role, allowed):
    user = getattr(world, role)
    for action in ["create_project", "import", "manage_people", "view_audit"]:
        assert can(user, action, world.programme) is allowed
    assert can(user, "view", world.programme) is (role != "outsider")
