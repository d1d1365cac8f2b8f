"""Build the demo programme (`data.py`) in the database.

Seed data, so rows are written directly with the ORM inside one transaction rather than
through the per-object services; one audit record ("import") summarises the load.
Idempotent: every row is looked up by its natural key first and existing rows are left as
they are, so loading twice creates nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from keyworks.audit.services import record_change
from keyworks.core.validators import make_credit_code
from keyworks.ledger.models import (
    Category,
    Milestone,
    Programme,
    Project,
    TaskForce,
    TaskForceMember,
)
from keyworks.orgs.models import Region, Role, RoleAssignment, Unit, User

from . import data
from .activity import load_demo_activity, load_district_reports

# Apps that add their part of the demo (targets, visits, meetings, …) after the reports
# and problems; each `keyworks.<app>.demo.load_demo(programme)` is idempotent.
EXTENSIONS = (
    "targets",
    "fieldwork",
    "factors",
    "tasks",
    "meetings",
    "rankings",
    "reminders",
    "dashboards",
)


class DemoConflictError(Exception):
    """A programme with the demo's code exists and is not demo data."""


@dataclass(frozen=True)
class Account:
    """One demo sign-in and what it is scoped to."""

    username: str
    full_name: str
    title: str
    phone: str
    role: str
    group: str  # office | leader | inspector | taskforce | district | department
    detail: str  # project, district or department the account is scoped to
    unit: str = ""  # unit name
    project_seq: int | None = None
    district_code: str | None = None
    department: str | None = None  # department suffix (dept-<suffix>)
    is_staff: bool = False


@dataclass
class DemoResult:
    programme: Programme
    created: Counter = field(default_factory=Counter)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


# --- people ---------------------------------------------------------------------------


def person_name(i: int) -> str:
    """A generic Chinese full name, deterministic in `i`."""
    surnames, given = data.SURNAMES, data.GIVEN_NAMES
    return surnames[(i * 37 + 11) % len(surnames)] + given[(i * 23 + 7) % len(given)]


def member_phone(seq: int, k: int) -> str:
    """Clearly fake mobile numbers: 1390 + project seq + member index."""
    return f"1390{seq:03d}{k:04d}"


def _district_units() -> dict[str, str]:
    return {name: unit for _code, name, _kind, unit in data.DISTRICTS}


def _department_units() -> dict[str, tuple[str, str]]:
    return {suffix: (name, short) for suffix, name, short in data.DEPARTMENTS}


def responsible_unit_name(key: str) -> str:
    if key == "hq":
        return data.HQ_UNIT["name"]
    kind, _, value = key.partition(":")
    if kind == "dept":
        return _department_units()[value][0]
    if kind == "district":
        return _district_units()[value]
    raise ValueError(f"unknown responsible unit {key!r}")


def demo_accounts() -> list[Account]:
    """Every demo account, in the order the `demo` command lists them."""
    hq = data.HQ_UNIT["name"]
    accounts = [
        Account(
            **data.ACCOUNT_OFFICE,
            phone="13900000001",
            role=Role.OFFICE,
            group="office",
            detail=data.ACCOUNT_OFFICE["title"],
            unit=hq,
            is_staff=True,
        ),
        Account(
            **data.ACCOUNT_LEADER,
            phone="13900000002",
            role=Role.LEADER,
            group="leader",
            detail=data.ACCOUNT_LEADER["title"],
            unit=hq,
        ),
        Account(
            **data.ACCOUNT_INSPECTOR,
            phone="13900000003",
            role=Role.INSPECTOR,
            group="inspector",
            detail=data.ACCOUNT_INSPECTOR["title"],
            unit=hq,
        ),
    ]
    for project in sorted(data.PROJECTS, key=lambda p: p["seq"]):
        seq = project["seq"]
        accounts.append(
            Account(
                username=f"tf{seq:02d}",
                full_name=person_name(seq),
                title="专班联络员",
                phone=member_phone(seq, 0),
                role=Role.TASKFORCE,
                group="taskforce",
                detail=project["name"],
                unit=responsible_unit_name(project["responsible"]),
                project_seq=seq,
            )
        )
    coded = [d for d in data.DISTRICTS if d[0]]
    for i, (code, name, _kind, unit) in enumerate(coded, start=1):
        accounts.append(
            Account(
                username=f"d{code}",
                full_name=person_name(100 + i),
                title="县(市、区)联络员",
                phone=f"13908{i:06d}",
                role=Role.DISTRICT,
                group="district",
                detail=name,
                unit=unit,
                district_code=code,
            )
        )
    for i, (suffix, name, short) in enumerate(data.DEPARTMENTS, start=1):
        accounts.append(
            Account(
                username=f"dept-{suffix}",
                full_name=person_name(200 + i),
                title="三十工程联络员",
                phone=f"13909{i:06d}",
                role=Role.DEPARTMENT,
                group="department",
                detail=short,
                unit=name,
                department=suffix,
            )
        )
    return accounts


# --- loading --------------------------------------------------------------------------


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _add_missing(model, wanted: dict, existing: dict, created: Counter, label: str) -> dict:
    """Bulk-create the rows of `wanted` (natural key -> field values) not in `existing`
    (natural key -> object); return `existing` completed with the new objects."""
    keys = [key for key in wanted if key not in existing]
    objects = model.objects.bulk_create([model(**wanted[key]) for key in keys])
    existing.update(zip(keys, objects, strict=True))
    created[label] += len(objects)
    return existing


def load_demo(password: str | None = None) -> DemoResult:
    """Create whatever of the demo programme is missing; return what was created."""
    with transaction.atomic():
        return _load(password or settings.DEMO_PASSWORD)


def _load(password: str) -> DemoResult:
    created: Counter = Counter()
    existing = Programme.objects.filter(code=data.PROGRAMME["code"]).first()
    if existing is not None and not existing.is_demo:
        raise DemoConflictError(
            _("计划代码 %(code)s 已被非演示计划“%(name)s”使用，未加载演示数据。")
            % {"code": existing.code, "name": existing.name}
        )

    # Places, by name (codes where they have one).
    city, city_created = Region.objects.get_or_create(
        code=data.CITY["code"], defaults={"name": data.CITY["name"], "kind": data.CITY["kind"]}
    )
    created["regions"] += city_created
    code_names = {code: name for code, name, _k, _u in data.DISTRICTS if code}
    zone_names = [name for code, name, _k, _u in data.DISTRICTS if not code]
    regions = {
        code_names.get(r.code, r.name): r
        for r in Region.objects.filter(
            Q(code__in=code_names) | Q(code__isnull=True, parent=city, name__in=zone_names)
        )
    }
    wanted = {
        name: {"code": code, "name": name, "kind": kind, "parent": city, "sort": sort}
        for sort, (code, name, kind, _unit) in enumerate(data.DISTRICTS, start=1)
    }
    regions = _add_missing(Region, wanted, regions, created, "regions")
    by_code = {code: regions[name] for code, name in code_names.items()}

    # Programme and categories.
    programme = existing or Programme.objects.create(**data.PROGRAMME, region=city, is_demo=True)
    created["programmes"] += existing is None
    categories = _add_missing(
        Category,
        {
            code: {"programme": programme, "code": code, "name": name, "sort": sort}
            for code, name, sort in data.CATEGORIES
        },
        {c.code: c for c in programme.categories.all()},
        created,
        "categories",
    )

    # Units, by name.
    wanted = {
        data.HQ_UNIT["name"]: {
            "short_name": data.HQ_UNIT["short_name"],
            "kind": Unit.Kind.HEADQUARTERS,
            "region": city,
        },
    }
    for _suffix, name, short in data.DEPARTMENTS:
        wanted[name] = {"short_name": short, "kind": Unit.Kind.DEPARTMENT, "region": city}
    for _code, name, _kind, unit_name in data.DISTRICTS:
        wanted[unit_name] = {
            "short_name": name,
            "kind": Unit.Kind.DISTRICT,
            "region": regions[name],
        }
    for name, region_code, body in data.ENTERPRISES.values():
        wanted[name] = {
            "kind": Unit.Kind.ENTERPRISE,
            "credit_code": make_credit_code(f"91{region_code}{body}"),
            "region": by_code.get(region_code, city),
        }
    wanted = {name: {"name": name, **values} for name, values in wanted.items()}
    units = _add_missing(
        Unit, wanted, {u.name: u for u in Unit.objects.filter(name__in=wanted)}, created, "units"
    )
    enterprises = {key: units[name] for key, (name, _c, _b) in data.ENTERPRISES.items()}

    projects = _projects(programme, categories, regions, units, enterprises, created)
    _people(programme, projects, units, by_code, password, created)
    _district_programme(programme, regions, units, enterprises, password, created)
    # Reports, pauses and problems (each part only while the programme has none).
    created.update(load_demo_activity(programme, audit=False))
    for app in EXTENSIONS:
        created.update(import_module(f"keyworks.{app}.demo").load_demo(programme))

    if any(created.values()):
        record_change(
            by=None,
            action="import",
            obj=programme,
            after=dict(sorted(created.items())),
            reason="加载演示数据（数据为示意）",
            programme_id=programme.pk,
        )
    return DemoResult(programme=programme, created=created)


def _district_programme(city_programme, regions, units, enterprises, password, created) -> None:
    """高新区's own programme (区三十工程) under the city's: its ledger, its liaison (the
    task force of each of its projects, filing their monthly reports) and the year's
    accepted reports; the city programme's office, leader and inspector read it too."""
    spec = data.DISTRICT_PROGRAMME
    programme = Programme.objects.filter(code=spec["code"]).first()
    if programme is not None and not programme.is_demo:
        return  # a real programme holds the code: leave it alone
    if programme is None:
        programme = Programme.objects.create(
            **spec,
            region=regions[data.DISTRICT_PROGRAMME_REGION],
            parent=city_programme,
            is_demo=True,
        )
        created["district_programmes"] += 1
    categories = _add_missing(
        Category,
        {
            code: {"programme": programme, "code": code, "name": name, "sort": sort}
            for code, name, sort in data.CATEGORIES
        },
        {c.code: c for c in programme.categories.all()},
        created,
        "district_categories",
    )
    counts: Counter = Counter()
    projects = _projects(
        programme, categories, regions, units, enterprises, counts, items=data.DISTRICT_PROJECTS
    )
    created.update({f"district_{key}": value for key, value in counts.items() if value})

    spec = data.DISTRICT_ACCOUNT
    liaison = User.objects.filter(username=spec["username"]).first()
    if liaison is None:
        liaison = User.objects.create(
            **spec,
            password=make_password(password),
            email=f"{spec['username']}@demo.keyworks.invalid",
            unit=units[_district_units()[data.DISTRICT_PROGRAMME_REGION]],
            home_programme=programme,
        )
        created["district_users"] += 1
    have = set(
        RoleAssignment.objects.filter(programme=programme).values_list(
            "user_id", "role", "task_force_id"
        )
    )
    wanted = [
        RoleAssignment(user_id=user_id, programme=programme, role=role)
        for user_id, role in RoleAssignment.objects.filter(
            programme=city_programme, role__in=(Role.OFFICE, Role.LEADER, Role.INSPECTOR)
        ).values_list("user_id", "role")
        if (user_id, role, None) not in have
    ]
    wanted += [
        RoleAssignment(user=liaison, programme=programme, role=Role.TASKFORCE, task_force_id=tf)
        for tf in sorted(p.task_force_id for p in projects.values())
        if (liaison.pk, Role.TASKFORCE, tf) not in have
    ]
    created["district_roles"] += len(RoleAssignment.objects.bulk_create(wanted))
    office = User.objects.filter(username=data.ACCOUNT_OFFICE["username"]).first()
    if office is not None:
        created["district_reports"] += load_district_reports(
            programme, data.DISTRICT_PROJECTS, liaison, office
        )


def _projects(
    programme, categories, regions, units, enterprises, created, items=None
) -> dict[int, Project]:
    """Projects by seq (`items`, the city programme's by default); missing ones are
    created with their task force, members and districts. Existing projects are matched
    by name or code and left as they are."""
    items = sorted(data.PROJECTS if items is None else items, key=lambda p: p["seq"])
    current = list(programme.projects.select_related("task_force"))
    by_name = {p.name: p for p in current}
    by_code = {p.code: p for p in current if p.code}
    projects = {}
    new_items = []
    for item in items:
        project = by_name.get(item["name"]) or by_code.get(item["code"])
        if project is None:
            new_items.append(item)
        else:
            projects[item["seq"]] = project

    task_forces = TaskForce.objects.bulk_create(
        [
            TaskForce(
                name=f"{item['name']}专班",
                lead_official=data.LEADS[item["category"]][item["seq"] % 2][0],
                lead_title=data.LEADS[item["category"]][item["seq"] % 2][1],
            )
            for item in new_items
        ]
    )
    rows = []
    for item, task_force in zip(new_items, task_forces, strict=True):
        project = Project(
            programme=programme,
            seq=item["seq"],
            name=item["name"],
            code=item["code"],
            category=categories[item["category"]],
            grade=item["grade"],
            stage=item["stage"],
            address=item["address"],
            longitude=Decimal(item["lng"]),
            latitude=Decimal(item["lat"]),
            geometry=item.get("geometry"),
            owner=enterprises[item["owner"]] if item.get("owner") else None,
            responsible_unit=units[responsible_unit_name(item["responsible"])],
            task_force=task_force,
            total_investment=Decimal(item["total"]),
            completed_investment=Decimal(item["completed"]),
            annual_investment=Decimal(item["annual"]),
            planned_start=_d(item["planned_start"]),
            planned_finish=_d(item["planned_finish"]),
            actual_start=_d(item["actual_start"]),
            actual_finish=_d(item["actual_finish"]),
            content=item["content"],
            annual_target=item["annual_target"],
            output_indicators=item.get("output_indicators", ""),
            district_progress=item.get("district_progress", ""),
        )
        # Field validation (codes, amounts) without the per-FK existence queries.
        project.full_clean(
            exclude=["programme", "category", "owner", "responsible_unit", "task_force"],
            validate_unique=False,
            validate_constraints=False,
        )
        rows.append(project)
    for project in Project.objects.bulk_create(rows):
        projects[project.seq] = project
    through = Project.districts.through
    through.objects.bulk_create(
        [
            through(project_id=projects[item["seq"]].pk, region_id=regions[name].pk)
            for item in new_items
            for name in item["districts"]
        ]
    )
    members = TaskForceMember.objects.bulk_create(
        [member for item in new_items for member in _members(projects[item["seq"]], item)]
    )
    created.update(task_forces=len(task_forces), projects=len(rows), members=len(members))

    have = set(
        Milestone.objects.filter(project__programme=programme).values_list("project_id", "name")
    )
    milestones = [
        Milestone(
            project=projects[item["seq"]],
            name=name,
            planned_date=_d(planned),
            actual_date=_d(actual),
            sort=sort,
        )
        for item in items
        for sort, (name, planned, actual) in enumerate(item["milestones"], start=1)
        if (projects[item["seq"]].pk, name) not in have
    ]
    created["milestones"] += len(Milestone.objects.bulk_create(milestones))
    return projects


def _members(project, item) -> list[TaskForceMember]:
    """The task force's leader and deputy, and for some a district member (the liaison
    joins with the task-force account)."""
    seq = item["seq"]
    responsible = responsible_unit_name(item["responsible"])
    first_district = _district_units()[item["districts"][0]]
    owner = data.ENTERPRISES[item["owner"]][0] if item.get("owner") else None
    rows = [
        (person_name(300 + 3 * seq), "专班组长", responsible),
        (person_name(301 + 3 * seq), "副组长", owner or first_district),
    ]
    if seq % 2 == 0 and owner:
        rows.append((person_name(302 + 3 * seq), "成员", first_district))
    return [
        TaskForceMember(
            task_force_id=project.task_force_id,
            name=name,
            position=position,
            unit_name=unit_name,
            phone=member_phone(seq, k),
            sort=k - 1 if k < 3 else 4,
        )
        for k, (name, position, unit_name) in enumerate(rows, start=1)
    ]


def _people(programme, projects, units, by_code, password, created) -> None:
    """Demo sign-ins (one password hash shared by all), their roles, and the task-force
    liaison membership of each tfNN account."""
    accounts = demo_accounts()
    users = {
        u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])
    }
    missing = [a for a in accounts if a.username not in users]
    if missing:
        hashed = make_password(password)
        wanted = {
            a.username: {
                "username": a.username,
                "password": hashed,
                "full_name": a.full_name,
                "title": a.title,
                "phone": a.phone,
                # reserved TLD: the reminder digest (`keyworks remind`) never reaches anyone
                "email": f"{a.username}@demo.keyworks.invalid",
                "unit": units.get(a.unit),
                "is_staff": a.is_staff,
                "home_programme": programme,
            }
            for a in missing
        }
        _add_missing(User, wanted, users, created, "users")

    members = set(
        TaskForceMember.objects.filter(user__in=users.values()).values_list(
            "task_force_id", "user_id"
        )
    )
    roles = set(
        RoleAssignment.objects.filter(programme=programme).values_list(
            "user_id", "role", "task_force_id", "region_id", "unit_id"
        )
    )
    new_members, new_roles = [], []
    for account in accounts:
        user = users[account.username]
        task_force = region = unit = None
        if account.project_seq is not None:
            task_force = projects[account.project_seq].task_force_id
            if (task_force, user.pk) not in members:
                new_members.append(
                    TaskForceMember(
                        task_force_id=task_force,
                        user=user,
                        name=account.full_name,
                        position="联络员",
                        unit_name=account.unit,
                        phone=account.phone,
                        sort=3,
                    )
                )
        if account.district_code is not None:
            region = by_code[account.district_code].pk
        if account.department is not None:
            unit = units[account.unit].pk
        if (user.pk, account.role, task_force, region, unit) not in roles:
            new_roles.append(
                RoleAssignment(
                    user=user,
                    programme=programme,
                    role=account.role,
                    task_force_id=task_force,
                    region_id=region,
                    unit_id=unit,
                )
            )
    created["members"] += len(TaskForceMember.objects.bulk_create(new_members))
    created["roles"] += len(RoleAssignment.objects.bulk_create(new_roles))


def load_demo_boundaries(path=None) -> str:
    """Load Jiaozuo's district boundaries from the vendored ECharts map, if installed.

    Separate from `load_demo` so that the demo data never depends on front-end assets.
    Returns a one-line note for the console (also when the assets are missing).
    """
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from keyworks.dashboards.geo import read_collection
    from keyworks.dashboards.services import import_boundaries

    path = Path(path or Path(settings.BASE_DIR) / "static/vendor/echarts-cities/jiaozuo.js")
    if not path.is_file():
        return _("未找到焦作市边界文件 %(file)s，地图将没有区域边界（运行 make assets 后重试）") % {
            "file": path.name
        }
    city = Region.objects.filter(code=data.CITY["code"]).first()
    if city is None:
        return _("未找到焦作市区域，未导入区域边界")
    if Region.objects.filter(parent=city, boundary__isnull=False).exists():
        return _("区域边界已存在，未改动")
    try:
        result = import_boundaries(read_collection(path), by=None, parent=city)
    except ValidationError as exc:
        separator = pgettext("between error messages", "；")
        return _("区域边界未导入：%(errors)s") % {"errors": separator.join(exc.messages)}
    n = len(result.matched)
    return ngettext("已导入区域边界 %(n)s 个", "已导入区域边界 %(n)s 个", n) % {"n": n}
