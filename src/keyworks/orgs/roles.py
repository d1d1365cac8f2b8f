"""Who holds which role where: the role primitives every app's permission rules are
built on (programme, task force, district, unit). No domain rules here."""

from keyworks.orgs.models import Role, RoleAssignment

PROGRAMME_WIDE_READ = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


def assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per user object (i.e. per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_keyworks_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user))
        user._keyworks_roles = cached
    return cached


def forget_roles(user) -> None:
    if hasattr(user, "_keyworks_roles"):
        del user._keyworks_roles


def is_active_user(user) -> bool:
    """Signed in and not deactivated: the first condition of every permission."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def has_platform_role(user, *roles: str) -> bool:
    """Is `user` one of the platform's administrators named (any of them when none are)?"""
    role = getattr(user, "platform_role", "") if is_active_user(user) else ""
    return bool(role) and (not roles or role in roles)


def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def programme_ids(user, *roles: str) -> set[int]:
    return {a.programme_id for a in assignments(user) if not roles or a.role in roles}


def has_role(user, programme_id: int, *roles: str) -> bool:
    if is_superuser(user) and Role.OFFICE in roles:
        return True
    return any(a.programme_id == programme_id and a.role in roles for a in assignments(user))


def is_office(user, programme_id: int) -> bool:
    return has_role(user, programme_id, Role.OFFICE)


def is_office_anywhere(user) -> bool:
    return is_superuser(user) or bool(programme_ids(user, Role.OFFICE))


def is_leader_anywhere(user) -> bool:
    return bool(programme_ids(user, Role.LEADER))


def own_task_force_ids(user) -> set[int]:
    return {a.task_force_id for a in assignments(user) if a.role == Role.TASKFORCE}


def own_region_ids(user) -> set[int]:
    return {a.region_id for a in assignments(user) if a.role == Role.DISTRICT}


# --- may the user do this? -----------------------------------------------------------


def is_own_task_force(user, project) -> bool:
    return project.task_force_id is not None and project.task_force_id in own_task_force_ids(user)


def is_district_of(user, project) -> bool:
    regions = {
        a.region_id
        for a in assignments(user)
        if a.role == Role.DISTRICT and a.programme_id == project.programme_id
    }
    if not regions:
        return False
    return any(r.pk in regions for r in project.districts.all())


def own_unit_ids(user, programme_id: int | None = None) -> set[int]:
    return {
        a.unit_id
        for a in assignments(user)
        if a.role == Role.DEPARTMENT
        and a.unit_id
        and (programme_id is None or a.programme_id == programme_id)
    }


def is_leader(user, programme_id: int) -> bool:
    return any(a.programme_id == programme_id and a.role == Role.LEADER for a in assignments(user))
