import pytest

from keyworks.orgs.models import Region, Unit


def test_me_lists_the_user_and_roles(world, api):
    world.department_user.title = "科长"
    world.department_user.save()
    body = api(world.department_user).get("/api/me").json()
    assert body == {
        "username": "dept-zrzy",
        "full_name": "吴部门",
        "title": "科长",
        "unit": {"id": world.department.pk, "name": "焦作市自然资源和规划局"},
        "roles": [
            {
                "programme": "jz2025",
                "role": "department",
                "role_label": "职能部门",
                "task_force": None,
                "project": None,
                "region": None,
                "unit": world.department.pk,
            }
        ],
    }


def test_me_names_the_task_force_project_and_district(world, api):
    member = api(world.member).get("/api/me").json()["roles"]
    assert member == [
        {
            "programme": "jz2025",
            "role": "taskforce",
            "role_label": "项目专班",
            "task_force": world.own.task_force_id,
            "project": world.own.pk,
            "region": None,
            "unit": None,
        }
    ]
    district = api(world.district).get("/api/me").json()["roles"]
    assert [(r["role"], r["region"]) for r in district] == [("district", "410802")]


def test_me_for_an_outsider_has_no_roles(world, api):
    body = api(world.outsider).get("/api/me").json()
    assert body["username"] == "outsider" and body["roles"] == [] and body["unit"] is None


@pytest.mark.parametrize("who", ["office", "member", "department_user"])
def test_regions(world, api, who):
    Region.objects.create(name="高新区", kind=Region.Kind.ZONE, parent=world.city, sort=99)
    client = api(getattr(world, who))
    everything = client.get("/api/regions").json()
    assert [r["name"] for r in everything] == ["焦作市", "解放区", "武陟县", "高新区"]
    children = client.get("/api/regions", {"parent": "410800"}).json()
    assert [(r["code"], r["name"], r["parent"]) for r in children] == [
        ("410802", "解放区", "410800"),
        ("410823", "武陟县", "410800"),
        (None, "高新区", "410800"),
    ]
    assert children[1]["kind"] == "county" and children[1]["kind_label"] == "县(市)"
    assert client.get("/api/regions", {"parent": "999999"}).json() == []


def test_units(world, api):
    client = api(world.member)
    everything = client.get("/api/units").json()
    assert {u["name"] for u in everything} == {"焦作市自然资源和规划局", "焦作某某科技有限公司"}
    enterprises = client.get("/api/units", {"kind": "enterprise"}).json()
    assert [(u["id"], u["kind"]) for u in enterprises] == [(world.enterprise.pk, "enterprise")]
    found = client.get("/api/units", {"q": "自然资源"}).json()
    assert [u["short_name"] for u in found] == ["自然资源"]
    Unit.objects.filter(pk=world.enterprise.pk).update(credit_code="91410800MA44XXXXXX")
    assert [u["id"] for u in client.get("/api/units", {"q": "91410800ma44xxxxxx"}).json()] == [
        world.enterprise.pk
    ]


def test_outsiders_get_empty_reference_lists(world, api):
    client = api(world.outsider)
    assert client.get("/api/regions").json() == []
    assert client.get("/api/units").json() == []


@pytest.mark.parametrize("url", ["/api/me", "/api/regions", "/api/units", "/api/programmes"])
def test_reference_endpoints_need_authentication(world, url):
    from django.test import Client

    assert Client().get(url).status_code == 401
