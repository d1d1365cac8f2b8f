"""Writes to people, roles, units and tokens of a programme; each audited in its own
transaction."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyworks.audit.security import log_event
from keyworks.audit.services import diff, record_change, snapshot
from keyworks.ledger.models import Programme
from keyworks.ledger.permissions import require
from keyworks.orgs.models import ApiToken, Role, RoleAssignment, User
from keyworks.orgs.roles import forget_roles, is_superuser
from keyworks.orgs.tokens import TOKEN_PREFIX, digest

from .permissions import programme_people, require_manage_account

USER_FIELDS = ["username", "full_name", "phone", "title", "unit", "email", "is_active"]


def _require_office(by, programme: Programme) -> None:
    require(by, "manage_people", programme)


@transaction.atomic
def create_user(programme: Programme, data: dict, *, by, password: str | None = None) -> User:
    _require_office(by, programme)
    user = User(**{k: v for k, v in data.items() if k in USER_FIELDS})
    user.home_programme = programme
    user.full_clean(exclude=["password"])
    if password:
        validate_password(password, user)  # the platform's rules, on every path
        user.set_password(password)
        user.password_change_required = True  # the person sets their own at first sign-in
    else:
        user.set_unusable_password()
    user.save()
    record_change(
        by=by,
        action="create",
        obj=user,
        after=snapshot(user, USER_FIELDS),
        programme_id=programme.pk,
    )
    return user


@transaction.atomic
def update_user(programme: Programme, user: User, data: dict, *, by) -> User:
    require_manage_account(by, user, programme)
    before = snapshot(user, USER_FIELDS)
    for field in USER_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save()
    b, a = diff(before, snapshot(user, USER_FIELDS))
    if a:
        record_change(
            by=by, action="update", obj=user, before=b, after=a, programme_id=programme.pk
        )
    return user


@transaction.atomic
def set_password(programme: Programme, user: User, password: str, *, by) -> None:
    require_manage_account(by, user, programme)
    validate_password(password, user)
    user.set_password(password)
    # Someone else chose it: the person changes it at the next sign-in.
    user.password_change_required = by.pk != user.pk
    user.save(update_fields=["password", "password_change_required"])
    record_change(by=by, action="set_password", obj=user, programme_id=programme.pk)
    log_event("password_set", user=by, target=user.get_username(), programme_id=programme.pk)


@transaction.atomic
def assign_role(
    programme: Programme, user: User, role: str, *, by, task_force=None, region=None, unit=None
) -> RoleAssignment:
    _require_office(by, programme)
    if not programme_people(programme).filter(pk=user.pk).exists():
        raise PermissionDenied(_("只能为本计划的人员分配角色"))
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    scope_errors = {
        Role.TASKFORCE: ("task_force", task_force, _("请选择专班")),
        Role.DISTRICT: ("region", region, _("请选择县(市、区)")),
        Role.DEPARTMENT: ("unit", unit, _("请选择部门")),
    }
    if role in scope_errors:
        field, value, message = scope_errors[role]
        if value is None:
            raise ValidationError({field: message})
    if task_force is not None and getattr(task_force, "project", None) is not None:
        if task_force.project.programme_id != programme.pk:
            raise ValidationError({"task_force": _("该专班不属于本计划")})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        programme=programme,
        role=role,
        task_force=task_force if role == Role.TASKFORCE else None,
        region=region if role == Role.DISTRICT else None,
        unit=unit if role == Role.DEPARTMENT else None,
    )
    if created:
        record_change(
            by=by,
            action="assign_role",
            obj=user,
            after=snapshot(assignment),
            programme_id=programme.pk,
            project_id=getattr(getattr(task_force, "project", None), "pk", None),
        )
        log_event(
            "role_assigned", user=by, target=user.get_username(), role=role,
            programme_id=programme.pk,
        )  # fmt: skip
    forget_roles(user)
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, by) -> None:
    _require_office(by, assignment.programme)
    if assignment.user_id == by.pk and assignment.role == Role.OFFICE:
        raise PermissionDenied(_("不能撤销自己的办公室角色"))
    record_change(
        by=by,
        action="revoke_role",
        obj=assignment.user,
        before=snapshot(assignment),
        programme_id=assignment.programme_id,
    )
    log_event(
        "role_revoked", user=by, target=assignment.user.get_username(), role=assignment.role,
        programme_id=assignment.programme_id,
    )  # fmt: skip
    assignment.delete()


# --- personal API tokens ------------------------------------------------------------


@transaction.atomic
def create_token(user: User, name: str, *, by) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    if by.pk != user.pk and not is_superuser(by):
        raise PermissionDenied(_("只能为自己创建令牌"))
    name = (name or "").strip() or "API"
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:50], prefix=raw[3:11], digest=digest(raw))
    record_change(
        by=by, action="create_token", obj=token, after={"name": token.name, "prefix": token.prefix}
    )
    log_event("token_created", user=by, token=token.prefix, owner=user.get_username())
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, by) -> None:
    if by.pk != token.user_id and not is_superuser(by):
        raise PermissionDenied(_("只能撤销自己的令牌"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(by=by, action="revoke_token", obj=token, before={"revoked_at": None})
    log_event("token_revoked", user=by, token=token.prefix, owner=token.user.get_username())
