"""The security log records sign-ins and their failures, sign-outs, refusals by the access
rules, files handed out, tokens, roles and passwords: who, from where, with what client."""

from django.urls import reverse

from keyworks.audit.models import SecurityEvent
from keyworks.people import services
from tests.api.conftest import Api
from tests.conftest import PASSWORD


def kinds(**filters):
    return list(
        SecurityEvent.objects.filter(**filters).order_by("id").values_list("kind", "outcome")
    )


def test_sign_in_failure_and_sign_out_are_logged_with_address_and_client(world, client):
    client.post(
        reverse("login"), {"username": "office", "password": "wrong"}, HTTP_USER_AGENT="UA/1"
    )
    client.post(
        reverse("login"), {"username": "office", "password": PASSWORD}, HTTP_USER_AGENT="UA/1"
    )
    client.post(reverse("logout"))
    assert kinds(username="office") == [
        ("login_failed", "failure"),
        ("login", "success"),
        ("logout", "success"),
    ]
    failed = SecurityEvent.objects.get(kind="login_failed")
    assert failed.source == "127.0.0.1" and failed.user_agent == "UA/1" and failed.user is None


def test_a_refusal_by_an_access_rule_is_logged_on_pages_and_the_api(world):
    world.client(world.leader).get(reverse("ledger:project_edit", args=[world.own.pk]))
    world.client(world.outsider).get(reverse("ledger:project_detail", args=[world.own.pk]))
    Api(world.member).get(f"/api/projects/{world.other.pk + 1000}")
    refused = SecurityEvent.objects.filter(kind="refused").order_by("id")
    assert [(e.user, e.detail["status"]) for e in refused] == [
        (world.leader, 403),
        (world.outsider, 404),
        (world.member, 404),
    ]


def test_a_download_is_logged(world):
    response = world.client(world.office).get(reverse("ledger:export"))
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind="download")
    assert event.user == world.office and event.detail["file"].endswith(".xlsx")


def test_tokens_roles_and_passwords_are_logged(world):
    token, _raw = services.create_token(world.member, "对接", by=world.member)
    services.revoke_token(token, by=world.member)
    services.set_password(world.programme, world.member, "A-new-password-1", by=world.office)
    assert [k for k, _o in kinds()] == ["token_created", "token_revoked", "password_set"]
    assert SecurityEvent.objects.get(kind="password_set").detail["target"] == "tf01"
