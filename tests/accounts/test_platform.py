"""三员分立: the system, security and audit administrators each reach their own pages only,
none of them reads programme data, and the office does not reach theirs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from keyworks.accounts import services
from keyworks.audit.models import SecurityEvent
from keyworks.orgs.models import PlatformRole, Role, RoleAssignment, User
from tests.conftest import otp_verified

PAGES = {
    "system": ["accounts:platform_accounts", "accounts:platform_account_new"],
    "security": ["accounts:platform_security"],
    "audit": ["accounts:platform_log", "accounts:platform_chains"],
}


def admin(role: str) -> User:
    return User.objects.create_user(f"{role}-admin", platform_role=role)


def verified_client(user) -> Client:
    """Signed in and past the second factor (its device, verified in the session)."""
    return otp_verified(Client(), user)


@pytest.mark.parametrize("role", PlatformRole.values)
def test_each_administrator_opens_only_their_own_pages(world, role):
    client = verified_client(admin(role))
    for owner, names in PAGES.items():
        for name in names:
            assert client.get(reverse(name)).status_code == (200 if owner == role else 403)
    # no programme data
    assert client.get(reverse("ledger:project_list")).status_code == 404
    assert client.get(reverse("ledger:project_detail", args=[world.own.pk])).status_code == 404


@pytest.mark.parametrize("who", ["office", "leader", "member"])
def test_programme_roles_do_not_reach_the_platform_pages(world, who):
    client = world.client(getattr(world, who))
    for names in PAGES.values():
        for name in names:
            assert client.get(reverse(name)).status_code == 403


def test_the_system_administrator_creates_an_office_for_a_programme(world):
    system = admin(PlatformRole.SYSTEM)
    client = verified_client(system)
    response = client.post(
        reverse("accounts:platform_account_new"),
        {"username": "new-office", "full_name": "新办公室", "home_programme": world.programme.pk,
         "is_active": "on", "password": "Kaishi-2025!"},
    )  # fmt: skip
    assert response.status_code == 302
    account = User.objects.get(username="new-office")
    assert account.password_change_required
    client.post(reverse("accounts:platform_account_office", args=[account.pk]), {"grant": "1"})
    assert RoleAssignment.objects.filter(user=account, role=Role.OFFICE).exists()


def test_the_security_administrator_sets_roles_but_not_their_own(world):
    security = admin(PlatformRole.SECURITY)
    target = User.objects.create_user("someone")
    services.set_platform_role(target, PlatformRole.AUDIT, by=security)
    assert User.objects.get(pk=target.pk).platform_role == PlatformRole.AUDIT
    with pytest.raises(PermissionDenied):
        services.set_platform_role(security, PlatformRole.SYSTEM, by=security)
    with pytest.raises(ValidationError):  # an administrator holds no programme role
        services.set_platform_role(world.member, PlatformRole.AUDIT, by=security)
    with pytest.raises(PermissionDenied):
        services.set_platform_role(target, "", by=admin(PlatformRole.SYSTEM))
    assert SecurityEvent.objects.filter(kind="platform_role").count() == 1


def test_the_audit_administrator_reads_the_security_log(world):
    Client().post(reverse("login"), {"username": "tf01", "password": "wrong"})
    page = verified_client(admin(PlatformRole.AUDIT)).get(reverse("accounts:platform_log"))
    assert "login_failed" in page.content.decode() and "tf01" in page.content.decode()
