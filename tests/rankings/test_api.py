"""/api/rankings and /api/rankings/scheme: the permission matrix and the payloads."""

import pytest

from keyworks.rankings.models import RankingScheme, RankingSnapshot
from tests.api.conftest import Api

READERS = ["office", "leader", "inspector", "member", "other_member", "district", "department_user"]
NOT_OFFICE = [r for r in READERS if r != "office"]
SCHEME = {
    "weights": {
        "investment": 50,
        "milestones": 20,
        "problems": 10,
        "reports": 10,
        "verification": 10,
    },
    "red_count": 2,
    "black_count": 1,
}


@pytest.mark.parametrize("role", READERS)
def test_readers(world, role):
    api = Api(getattr(world, role))
    assert api.get("/api/rankings", {"programme": "jz2025"}).status_code == 200
    assert api.get("/api/rankings/scheme", {"programme": "jz2025"}).status_code == 200


def test_outsider_gets_404(world):
    api = Api(world.outsider)
    assert api.get("/api/rankings", {"programme": "jz2025"}).status_code == 404
    assert api.get("/api/rankings").status_code == 404
    assert api.get("/api/rankings/scheme").status_code == 404
    assert api.send("put", "/api/rankings/scheme?programme=jz2025", SCHEME).status_code == 404
    publish = api.post("/api/rankings/publish?programme=jz2025", {"period": "2025-11"})
    assert publish.status_code == 404


def test_anonymous_gets_401(world):
    assert Api(None).get("/api/rankings").status_code == 401


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_only_office_changes(world, role):
    api = Api(getattr(world, role))
    response = api.send("put", "/api/rankings/scheme?programme=jz2025", SCHEME)
    assert response.status_code == 403
    publish = api.post("/api/rankings/publish?programme=jz2025", {"period": "2025-11"})
    assert publish.status_code == 403
    assert not RankingScheme.objects.exists() and not RankingSnapshot.objects.exists()


def test_ranking_payload(ranked):
    api = Api(ranked.member)
    response = api.get(
        "/api/rankings", {"programme": "jz2025", "period": "2025-11", "dimension": "task_force"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == "2025-11" and data["period_label"] == "2025年11-12月"
    assert data["published"] is False and data["previous_period"] == "2025-09"
    assert data["weights"]["investment"] == 40
    [table] = data["tables"]
    first = table["rows"][0]
    assert (first["label"], first["rank"], first["total"], first["movement"]) == (
        "沿黄高速专班",
        1,
        "70.00",
        "↑1",
    )
    assert first["previous_rank"] == 2
    assert [p["code"] for p in first["parts"]] == [
        "investment",
        "milestones",
        "problems",
        "reports",
        "verification",
    ]
    assert first["parts"][0]["score"] == "40.00"
    assert first["parts"][4] == {
        "code": "verification",
        "label": "核验差距",
        "weight": 10,
        "score": "10.00",
        "figure": "暂无核验数据",
        "no_data": True,
    }
    assert table["red"] == [
        str(ranked.other.task_force_id),
        str(ranked.own.task_force_id),
        str(ranked.third.task_force_id),
    ]
    all_tables = api.get("/api/rankings", {"programme": "jz2025", "period": "2025-11"}).json()
    assert [t["dimension"] for t in all_tables["tables"]] == [
        "task_force",
        "district",
        "project",
        "project",
    ]
    bad = api.get("/api/rankings", {"programme": "jz2025", "dimension": "x"})
    assert bad.status_code == 422
    assert api.get("/api/rankings", {"programme": "jz2025", "period": "2025-12"}).status_code == 404


def test_scheme_put_and_publish(ranked):
    api = Api(ranked.office)
    before = api.get("/api/rankings/scheme", {"programme": "jz2025"}).json()
    assert before["saved"] is False and before["weights"]["investment"] == 40
    response = api.send("put", "/api/rankings/scheme?programme=jz2025", {**SCHEME, "version": 1})
    assert response.status_code == 200
    assert response.json()["version"] == 1 and response.json()["saved"] is True
    stale = api.send("put", "/api/rankings/scheme?programme=jz2025", {**SCHEME, "version": 0})
    assert stale.status_code == 409
    bad = api.send(
        "put",
        "/api/rankings/scheme?programme=jz2025",
        {**SCHEME, "weights": {**SCHEME["weights"], "investment": 10}},
    )
    assert bad.status_code == 422 and "100" in bad.json()["detail"]
    unknown = api.send(
        "put",
        "/api/rankings/scheme?programme=jz2025",
        {**SCHEME, "weights": {**SCHEME["weights"], "speed": 0}},
    )
    assert unknown.status_code == 422
    published = api.post("/api/rankings/publish?programme=jz2025", {"period": "2025-11"})
    assert published.status_code == 200
    assert published.json()["published"] is True
    assert published.json()["tables"][0]["red"] == [
        str(ranked.other.task_force_id),
        str(ranked.own.task_force_id),
    ]
    again = api.post("/api/rankings/publish?programme=jz2025", {"period": "2025-11"})
    assert again.status_code == 422
