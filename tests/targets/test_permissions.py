"""Who may do what with annual targets: the matrix through the services, the pages and
the API (outsider and non-readers 404, readers 403, allowed 2xx)."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from keyworks.targets import services
from keyworks.targets.models import AnnualTarget
from keyworks.targets.permissions import can_target

from .conftest import YEAR, accepted, content, decisions, drafted, submitted

USERS = ["office", "leader", "inspector", "member", "other_member", "district",
         "department_user", "outsider"]  # fmt: skip
# Who reads the targets of `own` (district A, which has a coordinator).
READERS = {"office", "leader", "inspector", "department_user", "member", "district"}
ALLOWED = {
    "create": {"member"},
    "edit": {"member"},
    "submit": {"member"},
    "review": {"office"},
    "revise": {"member"},
}


def setup(action, world):
    if action == "create":
        return None
    if action in {"edit", "submit"}:
        return drafted(world)
    if action == "review":
        return submitted(world)
    return accepted(world)


def run(action, world, target, user):
    if action == "create":
        return services.create_target(world.own, YEAR, content(), by=user)
    if action == "edit":
        return services.save_target(target, content(investment="1"), by=user)
    if action == "submit":
        return services.submit_target(target, by=user)
    if action == "review":
        return services.review_target(target, decisions(target), by=user)
    return services.revise_target(target, by=user, reason="调整")


def expected(username, action, ok=200):
    if username in ALLOWED[action]:
        return ok
    return 403 if username in READERS else 404


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_service_matrix(world, action, username):
    target = setup(action, world)
    user = getattr(world, username)
    count = AnnualTarget.objects.count()
    if username in ALLOWED[action]:
        run(action, world, target, user)
        return
    with pytest.raises(PermissionDenied):
        run(action, world, target, user)
    assert AnnualTarget.objects.count() == count
    if target is not None:
        status = target.status
        target.refresh_from_db()
        assert target.status == status


@pytest.mark.parametrize("username", USERS)
def test_who_reads_targets(world, username):
    own = drafted(world)
    other = drafted(world, world.other)
    user = getattr(world, username)
    visible = set(AnnualTarget.objects.restrict(user).values_list("pk", flat=True))
    assert (own.pk in visible) is (username in READERS)
    # `other` lies in district B, which has no coordinator in the world.
    other_readers = READERS - {"member", "district"} | {"other_member"}
    assert (other.pk in visible) is (username in other_readers)
    assert can_target(user, "view", other) is (username in other_readers)


def test_archived_projects_take_no_changes(world):
    target = drafted(world)
    world.own.archived_at = "2025-06-01T00:00:00Z"
    world.own.save()
    target.refresh_from_db()
    assert not can_target(world.member, "edit", target)
    with pytest.raises(PermissionDenied):
        services.submit_target(target, by=world.member)


# --- pages ---------------------------------------------------------------------------


def page(world, action):
    """(method, url, target) for the page of `action`."""
    target = setup(action, world)
    if action == "create":
        return "get", reverse("targets:create", args=[world.own.pk, YEAR]), None
    if action == "submit":
        return "post", reverse("targets:submit", args=[target.pk]), target
    return "get", reverse(f"targets:{action}", args=[target.pk]), target


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_page_matrix(world, action, username):
    method, url, target = page(world, action)
    response = getattr(world.client(getattr(world, username)), method)(url)
    code = expected(username, action)
    if code == 200 and method == "post":
        code = 302
    assert response.status_code == code
    if target is not None and method == "post" and code != 302:
        assert AnnualTarget.objects.get(pk=target.pk).status == target.status


@pytest.mark.parametrize("username", USERS)
def test_reading_pages(world, username):
    accepted(world)
    client = world.client(getattr(world, username))
    project_page = client.get(reverse("targets:project", args=[world.own.pk, YEAR]))
    assert project_page.status_code == (200 if username in READERS else 404)
    listing = client.get(reverse("targets:target_list"))
    assert listing.status_code == (404 if username == "outsider" else 200)
    if username != "outsider":
        shown = world.own.name in listing.content.decode()
        assert shown is (username in READERS)


def test_anonymous_users_are_sent_to_sign_in(world):
    response = world.client(None).get(reverse("targets:target_list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- API -----------------------------------------------------------------------------


def api_call(world, action):
    """(method, path, body) for the endpoint of `action`."""
    target = setup(action, world)
    if action == "create":
        body = {"project": world.own.pk, "year": YEAR, "investment": "4000.00",
                "milestones": [{"name": "主体封顶", "planned_date": f"{YEAR}-06-30"}]}  # fmt: skip
        return "post", "/api/targets", body
    if action == "edit":
        return "patch", f"/api/targets/{target.pk}", {"investment": "1", "version": target.version}
    if action == "submit":
        return "post", f"/api/targets/{target.pk}/submit", {}
    if action == "review":
        body = {"decisions": [
            {"item": k.removeprefix("item-"), "decision": "accept"}
            for k in services.pending_keys(target)
        ]}  # fmt: skip
        return "post", f"/api/targets/{target.pk}/review", body
    return "post", f"/api/targets/{target.pk}/revise", {"reason": "追加投资"}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_api_matrix(world, action, username):
    method, path, body = api_call(world, action)
    client = world.client(getattr(world, username))
    before = list(AnnualTarget.objects.order_by("pk").values_list("pk", "status", "version"))
    response = getattr(client, method)(path, json.dumps(body), content_type="application/json")
    ok = 201 if action in {"create", "revise"} else 200
    assert response.status_code == expected(username, action, ok), response.content
    if response.status_code >= 400:
        after = list(AnnualTarget.objects.order_by("pk").values_list("pk", "status", "version"))
        assert after == before


@pytest.mark.parametrize("username", USERS)
def test_api_reading(world, username):
    target = accepted(world)
    client = world.client(getattr(world, username))
    detail = client.get(f"/api/targets/{target.pk}")
    assert detail.status_code == (200 if username in READERS else 404)
    listing = client.get("/api/targets")
    assert listing.status_code == 200
    ids = [item["id"] for item in listing.json()["items"]]
    assert (target.pk in ids) is (username in READERS)


def test_api_requires_authentication(world):
    assert world.client(None).get("/api/targets").status_code == 401
