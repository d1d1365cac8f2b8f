"""The demo programme 焦作市2025年三十工程 as loaded by `keyworks.demo.loader`."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from keyworks.audit.models import ChangeRecord
from keyworks.core.validators import PROJECT_CODE_RE, validate_credit_code, validate_project_code
from keyworks.demo import data
from keyworks.demo.loader import DemoConflictError, demo_accounts, load_demo
from keyworks.ledger.models import (
    Category,
    Milestone,
    Programme,
    Project,
    TaskForce,
    TaskForceMember,
)
from keyworks.orgs.models import Region, Role, RoleAssignment, Unit

User = get_user_model()
JIAOZUO_DISTRICTS = {
    "410802": "解放区",
    "410803": "中站区",
    "410804": "马村区",
    "410811": "山阳区",
    "410821": "修武县",
    "410822": "博爱县",
    "410823": "武陟县",
    "410825": "温县",
    "410882": "沁阳市",
    "410883": "孟州市",
}


@pytest.fixture
def demo(db):
    return load_demo().programme


def projects(programme):
    return list(programme.projects.order_by("seq").prefetch_related("districts"))


def test_it_builds_the_demo_programme_under_jiaozuo(demo):
    assert (demo.code, demo.name, demo.year, demo.is_demo) == (
        "jz2025",
        "焦作市2025年三十工程",
        2025,
        True,
    )
    assert (demo.region.code, demo.region.name) == ("410800", "焦作市")


def test_it_loads_thirty_projects_ten_per_category(demo):
    counts = {c.code: c.projects.count() for c in Category.objects.filter(programme=demo)}
    assert counts == {"industry": 10, "infra": 10, "livelihood": 10}
    names = {c.code: c.name for c in Category.objects.filter(programme=demo)}
    assert names == {"industry": "十大工业", "infra": "十大基础设施", "livelihood": "十大民生"}
    assert [p.seq for p in projects(demo)] == list(range(1, 31))


def test_every_project_code_is_valid_and_names_a_jiaozuo_region(demo):
    codes = [p.code for p in projects(demo)]
    assert len(set(codes)) == 30
    for project in projects(demo):
        validate_project_code(project.code)
        assert PROJECT_CODE_RE.fullmatch(project.code)
        area = project.code.split("-")[1]
        district_codes = {r.code for r in project.districts.all()}
        assert area == "410800" or area in district_codes, project.name


def test_districts_and_functional_zones_are_present(demo):
    for code, name in JIAOZUO_DISTRICTS.items():
        region = Region.objects.get(code=code)
        assert region.name == name and region.parent == demo.region
    zones = Region.objects.filter(kind=Region.Kind.ZONE, parent=demo.region).order_by("name")
    assert [(z.name, z.code) for z in zones] == [("示范区", None), ("高新区", None)]
    assert Unit.objects.filter(kind=Unit.Kind.DISTRICT).count() == 12


def test_every_project_has_districts_and_a_point_in_jiaozuo(demo):
    for project in projects(demo):
        assert project.districts.exists(), project.name
        assert Decimal("112.6") <= project.longitude <= Decimal("113.6"), project.name
        assert Decimal("34.8") <= project.latitude <= Decimal("35.5"), project.name


def test_multi_district_project_spans_its_counties(demo):
    project = demo.projects.get(name="沿黄高速武陟至济源段")
    assert sorted(r.name for r in project.districts.all()) == sorted(["武陟县", "温县", "孟州市"])
    assert project.geometry["type"] == "LineString"


def test_seed_figures_are_kept(demo):
    road = demo.projects.get(name="牧野路(影视路—丰收路)")
    assert road.total_investment == Decimal("72700.00")
    assert "6168.1米" in road.content
    assert [r.code for r in road.districts.all()] == ["410802"]
    assert "149万支圆柱电池" in demo.projects.get(name="宁福巨湾新能源动力电池").output_indicators
    assert "累计交付空压机102台" in demo.projects.get(name__startswith="中内配").output_indicators
    heating = demo.projects.get(name="市老旧小区集中供暖")
    assert "139" in heating.content and "5万户" in heating.content
    zhongzhan_industry = demo.projects.filter(category__code="industry", districts__code="410803")
    assert sum(p.total_investment for p in zhongzhan_industry) == Decimal("1630000")  # 163亿元


def test_stages_are_mixed(demo):
    stages = set(demo.projects.values_list("stage", flat=True))
    assert {"construction", "completed", "preparation"} <= stages
    assert demo.projects.get(name="宁福巨湾新能源动力电池").stage == "completed"


def test_amounts_are_decimal_and_consistent(demo):
    for project in projects(demo):
        assert isinstance(project.total_investment, Decimal)
        assert Decimal(0) <= project.completed_investment <= project.total_investment
        assert project.annual_investment > 0
        assert project.planned_start < project.planned_finish
        if project.actual_finish:
            assert project.actual_start <= project.actual_finish


def test_industrial_projects_have_owner_enterprises_with_valid_credit_codes(demo):
    for project in demo.projects.filter(category__code="industry"):
        assert project.owner.kind == Unit.Kind.ENTERPRISE
        validate_credit_code(project.owner.credit_code)
    assert all(p.responsible_unit_id for p in projects(demo))


def test_milestones_task_forces_and_members(demo):
    for project in projects(demo):
        milestones = list(project.milestones.all())
        assert 3 <= len(milestones) <= 5, project.name
        assert all(m.actual_date is None or m.planned_date for m in milestones)
        task_force = project.task_force
        assert task_force.name == f"{project.name}专班"
        assert task_force.lead_official.endswith("市长")
        members = list(task_force.members.all())
        assert 2 <= len(members) <= 4, project.name
        assert all(m.phone.startswith("139") and len(m.phone) == 11 for m in members)


def test_taskforce_accounts_map_to_projects_by_seq(demo):
    for project in projects(demo):
        user = User.objects.get(username=f"tf{project.seq:02d}")
        roles = list(RoleAssignment.objects.filter(user=user))
        assert [(r.role, r.task_force_id, r.programme_id) for r in roles] == [
            (Role.TASKFORCE, project.task_force_id, demo.pk)
        ]
        assert TaskForceMember.objects.filter(task_force=project.task_force, user=user).exists()


def test_district_and_department_accounts(demo):
    for code in JIAOZUO_DISTRICTS:
        role = RoleAssignment.objects.get(user__username=f"d{code}")
        assert (role.role, role.region.code) == (Role.DISTRICT, code)
    for suffix, name, _short in data.DEPARTMENTS:
        role = RoleAssignment.objects.get(user__username=f"dept-{suffix}")
        assert (role.role, role.unit.name) == (Role.DEPARTMENT, name)
    office = User.objects.get(username="office")
    assert office.is_staff and not office.is_superuser
    assert RoleAssignment.objects.get(user=office, programme=demo).role == Role.OFFICE
    # …and in 高新区's own programme, which runs under the city's.
    roles = RoleAssignment.objects.filter(user=office).exclude(programme=demo)
    assert [(r.role, r.programme.parent) for r in roles] == [(Role.OFFICE, demo)]
    assert all(u.full_name for u in User.objects.all())


def test_loading_twice_keeps_counts(demo):
    models = [
        Region,
        Unit,
        Programme,
        Category,
        Project,
        TaskForce,
        TaskForceMember,
        Milestone,
        User,
        RoleAssignment,
        ChangeRecord,
    ]
    before = {m.__name__: m.objects.count() for m in models}
    result = load_demo()
    assert result.programme == demo
    assert not result.created_anything
    assert {m.__name__: m.objects.count() for m in models} == before


def test_load_records_one_import_change_by_system(demo):
    records = list(ChangeRecord.objects.filter(action="import"))
    assert len(records) == 1
    assert records[0].actor is None and records[0].actor_name == "系统"
    assert records[0].programme_id == demo.pk
    assert records[0].after["projects"] == 30


def test_missing_rows_are_restored_without_touching_the_rest(demo):
    Milestone.objects.filter(project__seq=1).order_by("planned_date").first().delete()
    # A demo account without activity of its own (PROTECT keeps those who acted).
    removed = None
    for account in demo_accounts():
        try:
            with transaction.atomic():
                User.objects.get(username=account.username).delete()
        except ProtectedError:
            continue
        removed = account.username
        break
    assert removed is not None
    result = load_demo()
    assert result.created["milestones"] == 1 and result.created["users"] == 1
    assert RoleAssignment.objects.filter(user__username=removed).count() >= 1


def test_it_refuses_to_mix_into_a_real_programme(world):
    with pytest.raises(DemoConflictError):
        load_demo()
    assert world.programme.projects.count() == 2


@pytest.mark.parametrize(
    "username", ["office", "leader", "inspector", "tf01", "tf30", "d410802", "dept-fgw", "gxq"]
)
def test_demo_accounts_can_log_in(demo, username):
    assert Client().login(username=username, password=settings.DEMO_PASSWORD)
    assert not Client().login(username=username, password="wrong-password")


def test_every_demo_account_has_the_demo_password(demo):
    usernames = [a.username for a in demo_accounts()]
    users = User.objects.filter(username__in=usernames)
    assert users.count() == len(usernames) == 3 + 30 + 10 + len(data.DEPARTMENTS)
    assert len({u.password for u in users}) == 1
    assert users.first().check_password(settings.DEMO_PASSWORD)


def test_office_sees_the_demo_ledger(demo):
    client = Client()
    client.login(username="office", password=settings.DEMO_PASSWORD)
    response = client.get(reverse("ledger:project_list"))
    assert response.status_code == 200
    assert "中福钛锆产业园" in response.content.decode()
