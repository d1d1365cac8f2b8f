"""The base fixture set: a small programme and a named person for every role."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import QuerySet
from django.test import Client

from keyworks.ledger.models import Category, Programme, Project, TaskForce
from keyworks.orgs.models import Region, Role, RoleAssignment, Unit, User

PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def fresh_measures(settings):
    """Tests change data behind the services' back (direct ORM updates, no change record),
    so measures are computed afresh; tests/reporting/test_stored_figures.py and
    tests/dashboards/test_reuse.py turn the stored figures and reuse on."""
    settings.MEASURES_CACHE = False


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Chinese): a request in English leaves its
    language active in the thread, as LocaleMiddleware activates but never deactivates."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (throttle counters, reused results)."""
    from django.core.cache import cache

    from keyworks.reporting.figures import forget_snapshots

    cache.clear()
    forget_snapshots()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2 at production strength costs ~0.5 s per user; the world has eight."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    programme: Programme
    city: Region
    district_a: Region
    district_b: Region
    industry: Category
    infra: Category
    department: Unit
    enterprise: Unit
    own: Project  # the task-force member's project, located in district A
    other: Project  # another task force's project, located in district B
    office: User
    leader: User
    inspector: User
    member: User  # task force of `own`
    other_member: User  # task force of `other`
    district: User  # coordinator of district A
    department_user: User
    outsider: User  # signed in, but in no programme

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def race_first_save(monkeypatch, model, **row) -> list:
    """Two first saves at once: the next lookup of a `model` row finds none, and right
    after it another request inserts `row` (before this one inserts its own). Returns a
    list that holds that other row once it is made."""
    made: list = []
    first = QuerySet.first

    def first_then_insert(queryset):
        found = first(queryset)
        if queryset.model is model and not made:
            made.append(model.objects.create(**row))
        return found

    monkeypatch.setattr(QuerySet, "first", first_then_insert)
    return made


def make_user(username: str, full_name: str, **extra) -> User:
    user = User.objects.create_user(username, password=PASSWORD, full_name=full_name, **extra)
    return user


def make_project(programme, category, seq, name, district, task_force_name, **extra) -> Project:
    project = Project.objects.create(
        programme=programme,
        category=category,
        seq=seq,
        name=name,
        total_investment=Decimal("10000.00"),
        completed_investment=Decimal("2500.00"),
        annual_investment=Decimal("4000.00"),
        task_force=TaskForce.objects.create(name=task_force_name),
        **extra,
    )
    project.districts.set([district])
    return project


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def transactional_world(transactional_db) -> World:
    """The same world, committed, for tests served by a live server (browser tests)."""
    return build_world()


def build_world() -> World:
    city = Region.objects.create(code="410800", name="焦作市", kind=Region.Kind.CITY)
    district_a = Region.objects.create(code="410802", name="解放区", kind="district", parent=city)
    district_b = Region.objects.create(code="410823", name="武陟县", kind="county", parent=city)
    programme = Programme.objects.create(
        code="jz2025", name="焦作市2025年三十工程", year=2025, region=city
    )
    industry = Category.objects.create(
        programme=programme, code="industry", name="十大工业", sort=1
    )
    infra = Category.objects.create(programme=programme, code="infra", name="十大基础设施", sort=2)
    department = Unit.objects.create(
        name="焦作市自然资源和规划局", short_name="自然资源", kind="department"
    )
    enterprise = Unit.objects.create(name="焦作某某科技有限公司", kind="enterprise")
    own = make_project(
        programme,
        industry,
        1,
        "牧野路改造工程",
        district_a,
        "牧野路专班",
        code="2401-410800-04-01-123456",
        responsible_unit=department,
    )
    other = make_project(programme, infra, 2, "沿黄高速武陟至济源段", district_b, "沿黄高速专班")
    users = {
        "office": make_user("office", "王办公"),
        "leader": make_user("leader", "李领导"),
        "inspector": make_user("inspector", "赵督导"),
        "member": make_user("tf01", "陈专班", phone="13800000001"),
        "other_member": make_user("tf02", "周专班", phone="13800000002"),
        "district": make_user("d410802", "孙县区"),
        "department_user": make_user("dept-zrzy", "吴部门", unit=department),
        "outsider": make_user("outsider", "钱路人"),
    }
    scopes = {
        "office": {"role": Role.OFFICE},
        "leader": {"role": Role.LEADER},
        "inspector": {"role": Role.INSPECTOR},
        "member": {"role": Role.TASKFORCE, "task_force": own.task_force},
        "other_member": {"role": Role.TASKFORCE, "task_force": other.task_force},
        "district": {"role": Role.DISTRICT, "region": district_a},
        "department_user": {"role": Role.DEPARTMENT, "unit": department},
    }
    for key, scope in scopes.items():
        RoleAssignment.objects.create(user=users[key], programme=programme, **scope)
        users[key].home_programme = programme
        users[key].save(update_fields=["home_programme"])
    own.task_force.members.create(
        name="陈专班", position="联络员", phone="13800000001", user=users["member"]
    )
    return World(
        programme=programme,
        city=city,
        district_a=district_a,
        district_b=district_b,
        industry=industry,
        infra=infra,
        department=department,
        enterprise=enterprise,
        own=own,
        other=other,
        **users,
    )


def otp_verified(client: Client, user: User) -> Client:
    """`client` signed in as `user` and past the second factor that administrators need."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client
