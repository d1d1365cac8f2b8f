"""Identity and sessions to GB/T 22239 level 3: password rules on every path, a password set
by someone else changed at first sign-in, lockout after repeated failures, idle and
absolute session limits, signing out everywhere, a second factor for administrators."""

import datetime
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from keyworks.accounts.lockout import current_lock, unlock
from keyworks.audit.models import SecurityEvent
from keyworks.orgs.models import PlatformRole, User
from keyworks.people import services
from tests.conftest import PASSWORD

GOOD = "Qingfeng-2025"


@pytest.mark.parametrize(
    "password",
    ["Short-1", "alllowercaseletters", "lowercase-only-symbols", "12345678901", "Password123"],
)
def test_weak_passwords_are_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.member)


@pytest.mark.parametrize("password", ["Tf01-2025-ok", "My-陈专班-2025"])
def test_a_password_with_the_users_name_is_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.member)


def test_the_rules_hold_on_every_path(world):
    with pytest.raises(ValidationError):
        services.create_user(world.programme, {"username": "new1"}, by=world.office, password="abc")
    with pytest.raises(ValidationError):
        services.set_password(world.programme, world.member, "abcdefghijk", by=world.office)
    response = world.client(world.member).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefghijk", "new_password2": "abcdefghijk"},
    )
    assert response.status_code == 200 and "至少 3 类" in response.content.decode()
    assert User.objects.get(pk=world.member.pk).check_password(PASSWORD)


def test_a_password_set_by_the_office_is_changed_at_first_sign_in(world):
    services.set_password(world.programme, world.member, GOOD, by=world.office)
    client = Client()
    assert client.post(reverse("login"), {"username": "tf01", "password": GOOD}).status_code == 302
    response = client.get(reverse("ledger:project_list"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:password_change"
    )
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": GOOD, "new_password1": "Mine-own-2025", "new_password2": "Mine-own-2025"},
    )
    assert response.status_code == 302
    assert client.get(reverse("ledger:project_list")).status_code == 200
    assert SecurityEvent.objects.filter(kind="password_changed", user=world.member).exists()


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_lock_the_account_for_thirty_minutes(world):
    client = Client()
    for _ in range(5):
        assert sign_in(client, "tf01", "wrong").status_code == 200
    response = sign_in(client, "tf01", PASSWORD)
    assert response.status_code == 200 and "已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is locked out of this account too; another account is not.
    assert sign_in(Client(), "tf01", PASSWORD, address="10.0.0.2").status_code == 200
    assert sign_in(Client(), "tf02", PASSWORD, address="10.0.0.2").status_code == 302
    # Thirty minutes later the lock is gone.
    SecurityEvent.objects.filter(username="tf01").update(
        at=timezone.now() - datetime.timedelta(minutes=31)
    )
    assert current_lock("tf01", "10.0.0.3") is None
    assert sign_in(Client(), "tf01", PASSWORD, address="10.0.0.3").status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(world):
    for minutes in (50, 40, 30, 20, 1):
        SecurityEvent.objects.create(
            at=timezone.now() - datetime.timedelta(minutes=minutes),
            kind="login_failed", outcome="failure", username="tf01", source="10.0.0.9",
        )  # fmt: skip
    assert current_lock("tf01", "10.0.0.9") is None


def test_many_accounts_from_one_address_lock_the_address(world):
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        sign_in(Client(), username, "wrong", address="10.9.9.9")
    response = sign_in(Client(), "tf01", PASSWORD, address="10.9.9.9")
    assert "已锁定" in response.content.decode()
    assert sign_in(Client(), "tf01", PASSWORD, address="10.9.9.8").status_code == 302


def test_the_security_administrator_lifts_a_lock(world):
    admin = User.objects.create_user("sec", platform_role=PlatformRole.SECURITY)
    for _ in range(5):
        sign_in(Client(), "tf01", "wrong")
    assert current_lock("tf01", "") is not None
    unlock(admin, username="tf01")
    assert current_lock("tf01", "") is None
    assert sign_in(Client(), "tf01", PASSWORD, address="10.0.0.7").status_code == 302


def test_the_session_id_changes_at_sign_in(world):
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, "tf01", PASSWORD)
    assert client.session.session_key != before


@pytest.mark.parametrize(
    ("started", "seen"), [(10, 31 * 60), (12 * 3600 + 60, 10)]
)  # idle 31 min; signed in 12 h 1 min ago
def test_idle_and_long_sessions_end(world, started, seen):
    client = Client()
    sign_in(client, "tf01", PASSWORD)
    session = client.session
    now = time.time()
    session["kw_started"], session["kw_seen"] = now - started, now - seen
    session.save()
    response = client.get(reverse("ledger:project_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind="session_expired").exists()


def test_sign_out_everywhere_ends_every_session(world):
    phone, desk = Client(), Client()
    sign_in(phone, "tf01", PASSWORD)
    sign_in(desk, "tf01", PASSWORD)
    assert desk.get(reverse("ledger:project_list")).status_code == 200
    phone.post(reverse("accounts:sign_out_everywhere"))
    assert desk.get(reverse("ledger:project_list")).status_code == 302


def test_administrators_must_use_a_second_factor(world):
    admin = User.objects.create_user("auditor", password=GOOD, platform_role=PlatformRole.AUDIT)
    client = Client()
    sign_in(client, "auditor", GOOD)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("accounts:otp_setup")
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=admin)
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    assert client.post(reverse("accounts:otp_setup"), {"token": f"{token:06d}"}).status_code == 302
    assert client.get(reverse("home")).status_code in (200, 302)
    assert client.get(reverse("home")).get("Location") != reverse("accounts:otp_setup")
    # The next sign-in asks for the code.
    other = Client()
    sign_in(other, "auditor", GOOD)
    assert other.get(reverse("home"))["Location"].startswith(reverse("accounts:otp_verify"))
    assert other.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 200
    assert SecurityEvent.objects.filter(kind="otp_failed").exists()


def test_the_command_line_keeps_the_password_rules(world, monkeypatch):
    from django.contrib.auth.management.commands import changepassword

    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt="": "abcdefghijk")
    with pytest.raises(CommandError):
        call_command("changepassword", "tf01")
    assert User.objects.get(pk=world.member.pk).check_password(PASSWORD)


def test_sign_in_posts_are_rate_limited_per_address(world, settings):
    settings.SIGN_IN_RATE = "3/m"
    client = Client()
    for _ in range(3):
        assert sign_in(client, "nobody", "x", address="10.5.5.5").status_code == 200
    response = sign_in(client, "tf01", PASSWORD, address="10.5.5.5")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert sign_in(Client(), "tf01", PASSWORD, address="10.5.5.6").status_code == 302


def test_guessing_api_tokens_is_rate_limited_per_address(world, settings):

    settings.BAD_TOKEN_RATE = "2/m"
    bad = Client(HTTP_AUTHORIZATION="Bearer kw_not-a-token", REMOTE_ADDR="10.6.6.6")
    assert [bad.get("/api/me").status_code for _ in range(3)] == [401, 401, 429]
    response = bad.get("/api/me")
    assert (
        response.status_code == 429
        and response["Retry-After"]
        and "请求过于频繁" in response.json()["detail"]
    )
