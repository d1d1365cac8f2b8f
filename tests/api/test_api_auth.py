from django.test import Client
from django.utils import timezone

from keyworks.orgs.models import ApiToken


def bearer(raw):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_it_answers_401_json_without_credentials(world):
    response = Client().get("/api/projects")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert "请先登录" in detail and "Sign in" not in detail
    english = Client(headers={"accept-language": "en"}).get("/api/projects").json()["detail"]
    assert english.startswith("Sign in, or send a valid API token")


def test_a_valid_token_authenticates_and_marks_last_use(world, api):
    client = api(world.office)
    assert client.raw.startswith("kw_")
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "office"
    assert ApiToken.objects.get(user=world.office).last_used_at is not None


def test_a_revoked_token_is_401(world, api):
    client = api(world.office)
    ApiToken.objects.filter(user=world.office).update(revoked_at=timezone.now())
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "令牌无效" in response.json()["detail"]


def test_a_garbage_token_is_401(world):
    for raw in ["kw_not-a-real-token", "garbage", ""]:
        response = bearer(raw).get("/api/me")
        assert response.status_code == 401, raw
        assert response.json()["detail"]


def test_a_token_of_an_inactive_user_is_401(world, api):
    client = api(world.office)
    world.office.is_active = False
    world.office.save()
    assert client.get("/api/me").status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(world):
    client = world.client(world.office)
    assert client.get("/api/me").status_code == 200
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer kw_wrong").status_code == 401


def test_the_token_user_wins_over_the_session_user(world, api):
    client = api(world.leader).client
    client.force_login(world.office)
    assert client.get("/api/me").json()["username"] == "leader"


def test_session_auth_reads(world):
    response = world.client(world.member).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "tf01"


def test_session_writes_need_the_csrf_token(world, send_json):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    url = f"/api/projects/{world.own.pk}"
    body = {"version": world.own.version, "address": "解放区民主路"}
    response = send_json(client, "patch", url, body)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    world.own.refresh_from_db()
    assert world.own.address == ""

    client.get("/login/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    response = send_json(client, "patch", url, body, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
    world.own.refresh_from_db()
    assert world.own.address == "解放区民主路"


def test_token_writes_need_no_csrf_token(world, api, send_json):
    client = api(world.office, enforce_csrf_checks=True)
    response = client.patch(f"/api/projects/{world.own.pk}", {"version": 1, "address": "x"})
    assert response.status_code == 200


def test_an_anonymous_write_is_401_not_a_csrf_error(world, send_json):
    client = Client(enforce_csrf_checks=True)
    response = send_json(client, "patch", f"/api/projects/{world.own.pk}", {"version": 1})
    assert response.status_code == 401
