"""The annual target API: the same flow, rules and errors as the pages."""

import json

from keyworks.targets.models import AnnualTarget, TargetStatus

from .conftest import YEAR, accepted, submitted


def send(client, method, path, body=None):
    return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")


def test_file_review_and_revise_over_the_api(world):
    member = world.client(world.member)
    body = {
        "project": world.own.pk,
        "investment": "5000.5",
        "milestones": [{"name": "主体封顶", "planned_date": f"{YEAR}-06-30"}],
        "indicators": [{"name": "空压机交付", "unit": "台", "value": 102}],
        "submit": True,
    }
    created = send(member, "post", "/api/targets", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["year"] == YEAR  # the programme's year by default
    assert data["status"] == TargetStatus.SUBMITTED
    assert data["investment"] == "5000.50"
    assert data["indicators"][0]["value"] == "102.00"
    assert data["can"] == {"edit": False, "submit": False, "review": False, "revise": False}

    office = world.client(world.office)
    milestone = data["milestones"][0]["id"]
    review = {
        "version": data["version"],
        "decisions": [
            {"item": "investment", "decision": "accept"},
            {"item": str(milestone), "decision": "return"},
            {"item": str(data["indicators"][0]["id"]), "decision": "accept"},
        ],
    }
    no_comment = send(office, "post", f"/api/targets/{data['id']}/review", review)
    assert no_comment.status_code == 422
    assert "decisions" in no_comment.json()["errors"]
    review["decisions"][1]["comment"] = "请细化节点"
    returned = send(office, "post", f"/api/targets/{data['id']}/review", review)
    assert returned.status_code == 200
    assert returned.json()["status"] == TargetStatus.RETURNED
    assert returned.json()["milestones"][0]["comment"] == "请细化节点"

    fix = {
        "version": returned.json()["version"],
        "investment": "5000.50",
        "milestones": [{"name": "主体结构封顶", "planned_date": f"{YEAR}-07-31"}],
        "indicators": [{"name": "空压机交付", "unit": "台", "value": "102"}],
        "submit": True,
    }
    fixed = send(member, "patch", f"/api/targets/{data['id']}", fix)
    assert fixed.status_code == 200, fixed.content
    pending = [m for m in fixed.json()["milestones"] if m["state"] == "pending"]
    assert [m["name"] for m in pending] == ["主体结构封顶"]
    final = send(office, "post", f"/api/targets/{data['id']}/review", {
        "decisions": [{"item": pending[0]["id"], "decision": "accept"}]  # ids as numbers too
    })  # fmt: skip
    assert final.json()["status"] == TargetStatus.ACCEPTED
    assert final.json()["is_current"] is True
    world.own.refresh_from_db()
    assert str(world.own.annual_investment) == "5000.50"

    revised = send(member, "post", f"/api/targets/{data['id']}/revise",
                   {"reason": "上调10%", "investment": "5500.55"})  # fmt: skip
    assert revised.status_code == 201
    assert revised.json()["revision"] == 2
    assert revised.json()["milestones"][0]["name"] == "主体结构封顶"  # kept
    assert revised.json()["is_current"] is False


def test_a_stale_version_is_409_and_changes_nothing(world):
    target = submitted(world)
    office = world.client(world.office)
    body = {"version": target.version - 1, "decisions": []}
    response = send(office, "post", f"/api/targets/{target.pk}/review", body)
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    assert AnnualTarget.objects.get(pk=target.pk).status == TargetStatus.SUBMITTED


def test_bad_values_are_422_naming_the_field(world):
    member = world.client(world.member)
    body = {"project": world.own.pk, "investment": "-5",
            "milestones": [{"name": "封顶", "planned_date": f"{YEAR + 1}-01-01"}]}  # fmt: skip
    response = send(member, "post", "/api/targets", body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"investment", "milestones"}
    assert not AnnualTarget.objects.exists()


def test_list_filters_by_status_and_current(world):
    first = accepted(world)
    from keyworks.targets import services

    second = services.revise_target(first, by=world.member, reason="调整")
    submitted(world, world.other)
    office = world.client(world.office)
    everything = office.get("/api/targets").json()
    assert everything["count"] == 3
    current = office.get("/api/targets?current=true").json()
    assert [i["id"] for i in current["items"]] == [first.pk]
    waiting = office.get("/api/targets?status=submitted").json()
    assert [i["project"]["id"] for i in waiting["items"]] == [world.other.pk]
    mine = office.get(f"/api/targets?project={world.own.pk}").json()
    assert [i["revision"] for i in mine["items"]] == [1, 2]
    assert [i["id"] for i in mine["items"]][1] == second.pk
    assert office.get("/api/targets?status=nonsense").status_code == 422
