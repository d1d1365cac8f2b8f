"""What the platform's administrators change: accounts (system), platform roles and locks
(security). Every write is checked, audited and put in the security log."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.security import log_event
from keyworks.audit.services import diff, record_change, snapshot
from keyworks.orgs.models import PlatformRole, Role, RoleAssignment, User
from keyworks.orgs.roles import forget_roles

from . import lockout
from .permissions import require_platform_role

OFFICE_OUTSIDE = gettext_lazy("只能在账号所属计划中设置办公室角色")
ADMIN_WITH_ROLES = gettext_lazy("平台管理员不能同时担任项目计划中的角色")
ACCOUNT_FIELDS = ["username", "full_name", "title", "phone", "email", "home_programme", "is_active"]


@transaction.atomic
def save_account(data: dict, *, by, account: User | None = None, password: str = "") -> User:
    """Create or change an account (the system administrator): its names, its programme,
    whether it may sign in, and a new password the person must change at first sign-in."""
    require_platform_role(by, PlatformRole.SYSTEM)
    before = snapshot(account, ACCOUNT_FIELDS) if account else None
    account = account or User()
    for field in ACCOUNT_FIELDS:
        if field in data:
            setattr(account, field, data[field])
    if account.pk == by.pk and not account.is_active:
        raise ValidationError({"is_active": _("不能停用自己的账号")})
    account.full_clean(exclude=["password"])
    if password:
        validate_password(password, account)
        account.set_password(password)
        account.password_change_required = True
    elif account.pk is None:
        account.set_unusable_password()
    account.save()
    b, a = diff(before, snapshot(account, ACCOUNT_FIELDS)) if before else (None, None)
    record_change(
        by=by,
        action="update" if before else "create",
        obj=account,
        before=b,
        after=a if before else snapshot(account, ACCOUNT_FIELDS),
        programme_id=account.home_programme_id,
    )
    if password:
        log_event("password_set", user=by, target=account.get_username())
    return account


@transaction.atomic
def set_office(account: User, programme, grant: bool, *, by) -> None:
    """Make an account an office of its programme, or no longer (the system administrator
    starts a programme's office; the office then manages its own people)."""
    require_platform_role(by, PlatformRole.SYSTEM)
    if account.home_programme_id != programme.pk:
        raise ValidationError(_("只能在账号所属计划中设置办公室角色"))
    roles = RoleAssignment.objects.filter(user=account, programme=programme, role=Role.OFFICE)
    if grant and not roles.exists():
        assignment = RoleAssignment.objects.create(
            user=account, programme=programme, role=Role.OFFICE
        )
        record_change(
            by=by, action="assign_role", obj=account, after=snapshot(assignment),
            programme_id=programme.pk,
        )  # fmt: skip
    elif not grant:
        for assignment in roles:
            record_change(
                by=by, action="revoke_role", obj=account, before=snapshot(assignment),
                programme_id=programme.pk,
            )  # fmt: skip
        roles.delete()
    forget_roles(account)
    log_event(
        "role_assigned" if grant else "role_revoked", user=by, target=account.get_username(),
        role=Role.OFFICE, programme_id=programme.pk,
    )  # fmt: skip


@transaction.atomic
def set_platform_role(account: User, role: str, *, by) -> None:
    """Give or take a platform role (the security administrator; never their own)."""
    require_platform_role(by, PlatformRole.SECURITY)
    if account.pk == by.pk:
        raise PermissionDenied(_("不能修改自己的平台管理角色"))
    if role and role not in PlatformRole.values:
        raise ValidationError({"platform_role": _("未知角色：%(role)s") % {"role": role}})
    if RoleAssignment.objects.filter(user=account).exists() and role:
        raise ValidationError({"platform_role": ADMIN_WITH_ROLES})
    before = account.platform_role
    account.platform_role = role
    account.save(update_fields=["platform_role"])
    record_change(
        by=by, action="platform_role", obj=account, before={"platform_role": before},
        after={"platform_role": role},
    )  # fmt: skip
    log_event("platform_role", user=by, target=account.get_username(), role=role or None)


def unlock(by, *, username: str = "", source: str = "") -> None:
    """Lift a sign-in lock early (the security administrator)."""
    require_platform_role(by, PlatformRole.SECURITY)
    lockout.unlock(by, username=username, source=source)
