"""A reproducible synthetic programme at province scale, for benchmarks.

`build_synth(projects=N, seed=S)` writes one programme (`synth-S`) of N projects spread over
a fictional province (code 990000: no real GB/T 2260 code starts with 99, so it never
collides with the Jiaozuo demo) of 18 cities and 150 districts/counties, with a task force,
members, milestones and a sign-in per project. Everything is planned in memory from
`random.Random(seed)` first, so the same seed gives the same names, amounts and dates, and
then written with `bulk_create` inside one transaction.

The geography and the departments are shared by all synthetic programmes (looked up by
code / name, created when missing); projects, task forces, users and roles belong to one
programme and are removed with it (`replace=True`).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from keyworks.audit.services import record_change
from keyworks.coordination.models import (
    EscalationLevel,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
)
from keyworks.core.calendar import SHANGHAI
from keyworks.core.validators import CREDIT_CODE_CHARSET, make_credit_code
from keyworks.ledger.models import (
    Category,
    Grade,
    Milestone,
    Programme,
    Project,
    Stage,
    TaskForce,
    TaskForceMember,
)
from keyworks.orgs.models import Region, Role, RoleAssignment, Unit, User
from keyworks.reporting import since_start
from keyworks.reporting.models import MonthlyReport, ReportStatus
from keyworks.reporting.services import due_at

from . import data

PROVINCE = {"code": "990000", "name": "合成省", "kind": Region.Kind.PROVINCE}
CITY_COUNT = 18
DISTRICT_COUNTS = [8] * 12 + [9] * 6  # 150 districts and counties in all
GEOGRAPHY_SEED = 2260  # fixed: every synthetic programme shares one province
BATCH = 1000

CATEGORIES = [
    ("industry", "工业项目"),
    ("infra", "基础设施"),
    ("livelihood", "民生项目"),
    ("services", "现代服务业"),
    ("ecology", "生态环保"),
]
DEPARTMENTS = [
    ("fgw", "发展和改革委员会"),
    ("zrzy", "自然资源厅"),
    ("sthj", "生态环境厅"),
    ("yjgl", "应急管理厅"),
    ("jtys", "交通运输厅"),
    ("sl", "水利厅"),
    ("zjt", "住房和城乡建设厅"),
    ("gxt", "工业和信息化厅"),
]
CITY_FIRST = "安宁泰康丰和清华长永新平顺嘉瑞福兴云明南东西北广"
CITY_SECOND = "川阳州原山水江河林城溪岭湖泉丘峰"
DISTRICT_FIRST = "金银玉石松柏桃李杏梅兰竹菊荷青白红黄绿紫朝晨星月"
DISTRICT_SECOND = "台桥亭港湾坪塘堡店集镇营寨关渡"
SUBJECTS = {
    "industry": [
        "智能装备",
        "新材料",
        "新能源电池",
        "生物医药",
        "精细化工",
        "汽车零部件",
        "电子信息",
        "绿色食品",
        "高端铸造",
        "光伏组件",
    ],
    "infra": [
        "快速路",
        "高速公路",
        "城际铁路",
        "供水管网",
        "污水处理厂",
        "综合管廊",
        "跨河大桥",
        "物流枢纽",
        "灌区改造",
        "输变电",
    ],
    "livelihood": [
        "人民医院",
        "中医院",
        "实验中学",
        "老旧小区改造",
        "集中供暖",
        "人才公寓",
        "养老服务中心",
        "全民健身中心",
        "保障性住房",
        "燃气管网改造",
    ],
    "services": [
        "商贸物流园",
        "文旅综合体",
        "会展中心",
        "冷链物流",
        "数字经济产业园",
        "科创中心",
        "电商产业园",
        "总部经济区",
        "康养小镇",
        "研发中试基地",
    ],
    "ecology": [
        "河道综合治理",
        "湿地公园",
        "矿山生态修复",
        "垃圾焚烧发电",
        "再生水利用",
        "土壤修复",
        "林业生态",
        "生态廊道",
        "雨污分流",
        "固废综合利用",
    ],
}
PROJECT_KINDS = ["项目", "工程", "建设项目", "产业园", "提升工程"]
COMPANY_WORDS = "华恒鑫盛源通达信诚泰丰润宏远博创新锦辉德"
COMPANY_TRADES = ["科技", "实业", "新材料", "能源", "建设", "投资", "制造", "物流", "医药", "环保"]
SURNAMES, GIVEN = data.SURNAMES, data.GIVEN_NAMES  # the same generic names as the demo
MILESTONES = {
    Stage.PLANNED: ["项目谋划论证", "纳入年度计划", "立项批复"],
    Stage.PREPARATION: ["立项备案", "用地预审与选址", "环评批复", "施工许可"],
    Stage.CONSTRUCTION: ["开工建设", "主体结构完工", "设备安装调试", "竣工验收"],
    Stage.COMPLETED: ["开工建设", "主体结构完工", "竣工验收", "建成投产"],
}
INDUSTRY_CODES = {"industry": 39, "infra": 48, "livelihood": 84, "services": 59, "ecology": 77}


class SynthExistsError(Exception):
    """The programme code is taken and replace was not asked for."""


@dataclass
class SynthResult:
    programme: Programme
    created: Counter = field(default_factory=Counter)
    seconds: float = 0.0


# --- geography (fixed, shared) --------------------------------------------------------


LAST_ACTUAL = date(2025, 12, 31)  # the synthetic programmes' year ends


def geography() -> list[dict]:
    """The fictional province's cities, each with its districts; same on every call."""
    rng = random.Random(GEOGRAPHY_SEED)
    city_names = [a + b for a in CITY_FIRST for b in CITY_SECOND]
    rng.shuffle(city_names)
    district_names = [a + b for a in DISTRICT_FIRST for b in DISTRICT_SECOND]
    rng.shuffle(district_names)
    counts = list(DISTRICT_COUNTS)
    rng.shuffle(counts)
    cities, used = [], 0
    for c in range(CITY_COUNT):
        lng = round(110.8 + (c % 6) * 0.95 + rng.uniform(-0.2, 0.2), 4)
        lat = round(32.0 + (c // 6) * 1.45 + rng.uniform(-0.2, 0.2), 4)
        districts = []
        for d in range(counts[c]):
            kind = Region.Kind.DISTRICT if d < 3 else Region.Kind.COUNTY
            suffix = "区" if kind == Region.Kind.DISTRICT else rng.choice("县县县市")
            districts.append(
                {
                    "code": f"99{c + 1:02d}{d + 1:02d}",
                    "name": district_names[used] + suffix,
                    "kind": kind,
                    "lng": round(lng + rng.uniform(-0.4, 0.4), 4),
                    "lat": round(lat + rng.uniform(-0.3, 0.3), 4),
                }
            )
            used += 1
        cities.append(
            {
                "code": f"99{c + 1:02d}00",
                "name": city_names[c] + "市",
                "kind": Region.Kind.CITY,
                "lng": lng,
                "lat": lat,
                "districts": districts,
            }
        )
    return cities


def _ensure_regions(cities: list[dict], created: Counter) -> dict[str, Region]:
    """Region rows for the province, its cities and districts, by code."""
    codes = [PROVINCE["code"]] + [c["code"] for c in cities]
    codes += [d["code"] for c in cities for d in c["districts"]]
    existing = {r.code: r for r in Region.objects.filter(code__in=codes)}

    def add(rows: list[Region]) -> None:
        new = [r for r in rows if r.code not in existing]
        for region in Region.objects.bulk_create(new, batch_size=BATCH):
            existing[region.code] = region
        created["regions"] += len(new)

    add([Region(code=PROVINCE["code"], name=PROVINCE["name"], kind=PROVINCE["kind"])])
    province = existing[PROVINCE["code"]]
    add(
        [
            Region(code=c["code"], name=c["name"], kind=c["kind"], parent=province, sort=i)
            for i, c in enumerate(cities, start=1)
        ]
    )
    add(
        [
            Region(
                code=d["code"], name=d["name"], kind=d["kind"], parent=existing[c["code"]], sort=j
            )
            for c in cities
            for j, d in enumerate(c["districts"], start=1)
        ]
    )
    return existing


def _ensure_units(rows: list[dict], created: Counter) -> dict[str, Unit]:
    """Units by name (names are unique); missing ones are created."""
    names = [r["name"] for r in rows]
    existing: dict[str, Unit] = {}
    for start in range(0, len(names), BATCH):
        for unit in Unit.objects.filter(name__in=names[start : start + BATCH]):
            existing[unit.name] = unit
    new = [Unit(**r) for r in rows if r["name"] not in existing]
    for unit in Unit.objects.bulk_create(new, batch_size=BATCH):
        existing[unit.name] = unit
    created["units"] += len(new)
    return existing


def credit_code_for(name: str, region_code: str) -> str:
    """A valid credit code derived from the name, so one name always gets one code."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(CREDIT_CODE_CHARSET[b % len(CREDIT_CODE_CHARSET)] for b in digest[:9])
    return make_credit_code(f"91{region_code}{body}")


# --- the plan (pure function of seed and size) ----------------------------------------


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _wan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def plan(projects: int, seed: int) -> list[dict]:
    """The projects to build, with everything but database ids."""
    rng = random.Random(seed)
    cities = geography()
    weights = [len(c["districts"]) * rng.uniform(0.5, 1.5) for c in cities]
    stages = [Stage.PLANNED, Stage.PREPARATION, Stage.CONSTRUCTION, Stage.COMPLETED]
    grades = [Grade.NATIONAL, Grade.PROVINCIAL, Grade.CITY, Grade.DISTRICT]
    names: set[str] = set()
    companies: set[str] = set()
    items = []
    for seq in range(1, projects + 1):
        city = rng.choices(cities, weights)[0]
        district = rng.choice(city["districts"])
        districts = [district]
        if rng.random() < 0.05:
            others = [d for d in city["districts"] if d is not district]
            districts += rng.sample(others, k=min(len(others), rng.randint(1, 2)))
        category = rng.choice(CATEGORIES)[0]
        base = f"{district['name']}{rng.choice(SUBJECTS[category])}{rng.choice(PROJECT_KINDS)}"
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base}（{k}期）"
        names.add(name)
        stage = rng.choices(stages, [5, 15, 65, 15])[0]
        grade = rng.choices(grades, [2, 20, 50, 28])[0]
        total = int(10 ** rng.uniform(5.7, 8.3))  # cents of 万元: 5,000 to 2,000,000 万元
        share = {
            Stage.PLANNED: 0.0,
            Stage.PREPARATION: rng.uniform(0, 0.05),
            Stage.CONSTRUCTION: rng.uniform(0.1, 0.9),
            Stage.COMPLETED: rng.uniform(0.92, 1.0),
        }[stage]
        planned_start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1095))
        planned_finish = planned_start + timedelta(days=rng.randrange(180, 1460))
        actual_start = actual_finish = None
        if stage in (Stage.CONSTRUCTION, Stage.COMPLETED):
            actual_start = planned_start + timedelta(days=rng.randrange(-20, 60))
        if stage == Stage.COMPLETED:
            actual_finish = max(
                actual_start + timedelta(days=90),
                planned_finish + timedelta(days=rng.randrange(-60, 60)),
            )
        # What actually happened happened by the end of the programme year (2025): never a
        # date in the future, which the ledger refuses.
        if actual_start is not None:
            actual_start = min(actual_start, LAST_ACTUAL)
        if actual_finish is not None:
            actual_finish = max(actual_start, min(actual_finish, LAST_ACTUAL))
        owner = None
        if category in ("industry", "services") or rng.random() < 0.2:
            base_company = (
                f"{city['name'][:2]}{rng.choice(COMPANY_WORDS)}"
                f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}有限公司"
            )
            owner, k = base_company, 1
            while owner in companies and rng.random() < 0.7:
                k += 1
                owner = base_company.replace("有限公司", f"{k}号有限公司")
            companies.add(owner)
        milestone_names = MILESTONES[stage]
        span = (planned_finish - planned_start).days
        milestones = []
        for m, mname in enumerate(milestone_names):
            planned = planned_start + timedelta(days=span * m // max(len(milestone_names) - 1, 1))
            done = stage == Stage.COMPLETED or (
                stage == Stage.CONSTRUCTION and m < len(milestone_names) - 1 and rng.random() < 0.6
            )
            actual = planned + timedelta(days=rng.randrange(-10, 30)) if done else None
            milestones.append((mname, planned, actual))
        items.append(
            {
                "seq": seq,
                "name": name,
                "code": (
                    f"{planned_start:%y}{rng.randint(1, 12):02d}-{district['code']}-"
                    f"{INDUSTRY_CODES[category]:02d}-{rng.randint(1, 3):02d}-{seq:06d}"
                ),
                "category": category,
                "grade": grade,
                "stage": stage,
                "districts": [d["code"] for d in districts],
                "city": city["code"],
                "address": f"{city['name']}{district['name']}",
                "lng": Decimal(str(round(district["lng"] + rng.uniform(-0.08, 0.08), 6))),
                "lat": Decimal(str(round(district["lat"] + rng.uniform(-0.06, 0.06), 6))),
                "owner": owner,
                "responsible": rng.choice(["district", "district", "department"]),
                "department": rng.choice(DEPARTMENTS)[0],
                "total": _wan(total),
                "completed": _wan(int(total * share)),
                "annual": _wan(int(total * rng.uniform(0.1, 0.4))),
                "planned_start": planned_start,
                "planned_finish": planned_finish,
                "actual_start": actual_start,
                "actual_finish": actual_finish,
                "annual_target": rng.choice(
                    ["主体封顶", "建成投产", "完成年度投资", "开工建设", "竣工验收", "设备安装调试"]
                ),
                "lead": rng.choice(SURNAMES) + rng.choice(["副市长", "副县长", "副区长"]),
                "members": [(_person(rng), "专班组长"), (_person(rng), "联络员")],
                "milestones": milestones,
            }
        )
    return items


# --- writing ---------------------------------------------------------------------------


def delete_programme(programme: Programme) -> None:
    """Remove a synthetic programme and everything that belongs only to it."""
    prefix = f"{programme.code}-"
    MonthlyReport.objects.filter(project__programme=programme).delete()
    # Problem events and problems PROTECT their problem / project (assisting units cascade).
    ProblemEvent.objects.filter(problem__project__programme=programme).delete()
    Problem.objects.filter(project__programme=programme).delete()
    TaskForce.objects.filter(project__programme=programme).delete()
    Project.objects.filter(programme=programme).delete()
    RoleAssignment.objects.filter(programme=programme).delete()
    User.objects.filter(username__startswith=prefix, roles__isnull=True).delete()
    programme.delete()


def build_synth(
    *,
    projects: int,
    seed: int,
    code: str | None = None,
    replace: bool = False,
    password: str | None = None,
    months: int = 0,
    problems: int = 0,
) -> SynthResult:
    """Build the synthetic programme `code` (default `synth-<seed>`), with accepted
    monthly reports for its first `months` months and `problems` problems (with their
    handling history) on the task & problem list."""
    started = time.monotonic()
    code = code or f"synth-{seed}"
    created: Counter = Counter()
    with transaction.atomic():
        existing = Programme.objects.filter(code=code).first()
        if existing is not None:
            if not replace:
                raise SynthExistsError(
                    _("计划 %(code)s 已存在；加 --replace 删除后重建") % {"code": code}
                )
            if not (existing.is_demo and existing.region.code == PROVINCE["code"]):
                raise SynthExistsError(_("计划 %(code)s 不是合成数据，不能替换") % {"code": code})
            delete_programme(existing)
        items = plan(projects, seed)
        cities = geography()
        regions = _ensure_regions(cities, created)
        province = regions[PROVINCE["code"]]
        programme = Programme.objects.create(
            code=code,
            name=f"合成省2025年重点项目（合成数据 {seed}）",
            year=2025,
            region=province,
            is_demo=True,
        )
        categories = {
            c: Category.objects.create(programme=programme, code=c, name=n, sort=i)
            for i, (c, n) in enumerate(CATEGORIES, start=1)
        }

        # Units: departments and district governments (shared), owner enterprises.
        unit_rows = [
            {
                "name": f"合成省{name}",
                "short_name": name,
                "kind": Unit.Kind.DEPARTMENT,
                "region": province,
            }
            for _s, name in DEPARTMENTS
        ]
        for c in cities:
            for d in c["districts"]:
                unit_rows.append(
                    {
                        "name": f"{c['name']}{d['name']}人民政府",
                        "short_name": d["name"],
                        "kind": Unit.Kind.DISTRICT,
                        "region": regions[d["code"]],
                    }
                )
        seen = {r["name"] for r in unit_rows}
        for item in items:
            if item["owner"] and item["owner"] not in seen:
                seen.add(item["owner"])
                region_code = item["districts"][0]
                unit_rows.append(
                    {
                        "name": item["owner"],
                        "kind": Unit.Kind.ENTERPRISE,
                        "credit_code": credit_code_for(item["owner"], region_code),
                        "region": regions[region_code],
                    }
                )
        units = _ensure_units(unit_rows, created)
        departments = {s: units[f"合成省{name}"] for s, name in DEPARTMENTS}
        district_gov = {
            d["code"]: units[f"{c['name']}{d['name']}人民政府"]
            for c in cities
            for d in c["districts"]
        }

        # Task forces, then projects pointing at them.
        task_forces = TaskForce.objects.bulk_create(
            [
                TaskForce(name=f"{i['name']}专班", lead_official=i["lead"], lead_title="牵头领导")
                for i in items
            ],
            batch_size=BATCH,
        )
        rows = []
        for item, task_force in zip(items, task_forces, strict=True):
            responsible = (
                district_gov[item["districts"][0]]
                if item["responsible"] == "district"
                else departments[item["department"]]
            )
            rows.append(
                Project(
                    programme=programme,
                    seq=item["seq"],
                    name=item["name"],
                    code=item["code"],
                    category=categories[item["category"]],
                    grade=item["grade"],
                    stage=item["stage"],
                    address=item["address"],
                    longitude=item["lng"],
                    latitude=item["lat"],
                    owner=units[item["owner"]] if item["owner"] else None,
                    responsible_unit=responsible,
                    task_force=task_force,
                    total_investment=item["total"],
                    completed_investment=item["completed"],
                    annual_investment=item["annual"],
                    planned_start=item["planned_start"],
                    planned_finish=item["planned_finish"],
                    actual_start=item["actual_start"],
                    actual_finish=item["actual_finish"],
                    annual_target=item["annual_target"],
                    content=f"{item['name']}：建设内容为合成数据",
                )
            )
        project_rows = Project.objects.bulk_create(rows, batch_size=BATCH)
        through = Project.districts.through
        through.objects.bulk_create(
            [
                through(project_id=p.pk, region_id=regions[code].pk)
                for p, item in zip(project_rows, items, strict=True)
                for code in item["districts"]
            ],
            batch_size=BATCH,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    project_id=p.pk, name=name, planned_date=planned, actual_date=actual, sort=k
                )
                for p, item in zip(project_rows, items, strict=True)
                for k, (name, planned, actual) in enumerate(item["milestones"])
            ],
            batch_size=BATCH,
        )
        created.update(
            projects=len(project_rows),
            task_forces=len(task_forces),
            milestones=sum(len(i["milestones"]) for i in items),
        )

        # People: programme-wide roles, one task-force sign-in per project, district and
        # department coordinators. One password hash for all (same demo password).
        hashed = make_password(password or settings.DEMO_PASSWORD)
        prefix = f"{code}-"

        def person(username, full_name, title, unit=None, staff=False) -> User:
            return User(
                username=prefix + username,
                password=hashed,
                full_name=full_name,
                title=title,
                unit=unit,
                is_staff=staff,
                home_programme=programme,
            )

        rng = random.Random(seed * 7919 + 1)
        people = [
            (person("office", _person(rng), "指挥部办公室", staff=True), {"role": Role.OFFICE}),
            (person("leader", _person(rng), "指挥部领导"), {"role": Role.LEADER}),
            (person("inspector", _person(rng), "督导组"), {"role": Role.INSPECTOR}),
        ]
        for item, task_force in zip(items, task_forces, strict=True):
            name = item["members"][1][0]
            people.append(
                (
                    person(f"tf{item['seq']:05d}", name, "专班联络员"),
                    {"role": Role.TASKFORCE, "task_force": task_force},
                )
            )
        for c in cities:
            for d in c["districts"]:
                people.append(
                    (
                        person(
                            f"d{d['code']}",
                            _person(rng),
                            "县(市、区)联络员",
                            district_gov[d["code"]],
                        ),
                        {"role": Role.DISTRICT, "region": regions[d["code"]]},
                    )
                )
        for suffix, _name in DEPARTMENTS:
            people.append(
                (
                    person(f"dept-{suffix}", _person(rng), "部门联络员", departments[suffix]),
                    {"role": Role.DEPARTMENT, "unit": departments[suffix]},
                )
            )
        users = User.objects.bulk_create([u for u, _ in people], batch_size=BATCH)
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=u, programme=programme, **scope)
                for u, (_, scope) in zip(users, people, strict=True)
            ],
            batch_size=BATCH,
        )
        tf_users = {
            p[1]["task_force"].pk: u
            for u, p in zip(users, people, strict=True)
            if p[1]["role"] == Role.TASKFORCE
        }
        members = []
        for item, task_force in zip(items, task_forces, strict=True):
            for k, (name, position) in enumerate(item["members"]):
                members.append(
                    TaskForceMember(
                        task_force=task_force,
                        name=name,
                        position=position,
                        sort=k,
                        user=tf_users[task_force.pk] if position == "联络员" else None,
                        phone=f"139{(item['seq'] * 10 + k) % 10**8:08d}",
                    )
                )
        TaskForceMember.objects.bulk_create(members, batch_size=BATCH)
        created.update(users=len(users), roles=len(users), members=len(members))

        if months:
            office = User.objects.get(username=f"{code}-office")
            created["reports"] = add_reports(programme, months, seed, office)
        if problems:
            created["problems"], created["problem_events"] = add_problems(programme, problems, seed)
        record_change(
            by=None,
            action="import",
            obj=programme,
            after={"seed": seed, **dict(sorted(created.items()))},
            reason="生成合成数据",
            programme_id=programme.pk,
        )
    return SynthResult(programme=programme, created=created, seconds=time.monotonic() - started)


def add_reports(programme: Programme, months: int, seed: int, office: User) -> int:
    """Accepted reports for months 1..`months` of the programme's year for every project:
    each month a share of the annual investment (so completion rates spread around
    序时进度), one in twenty submitted late. Written in bulk."""
    rng = random.Random(seed * 7919)
    rows = []
    projects = programme.projects.order_by("pk").values_list("pk", "annual_investment")
    for project_id, annual in projects:
        pace = rng.uniform(0.55, 1.25)  # how the project keeps up with its annual plan
        ytd = Decimal(0)
        for m in range(1, months + 1):
            month = date(programme.year, m, 1)
            done = _wan(int(float(annual or 0) * 100 * pace / 12 * rng.uniform(0.6, 1.4)))
            ytd += done
            due = due_at(programme, month)
            late = rng.random() < 0.05
            submitted = due + timedelta(days=2) if late else due - timedelta(days=1)
            rows.append(
                MonthlyReport(
                    project_id=project_id,
                    month=month,
                    status=ReportStatus.ACCEPTED,
                    completed_this_month=done,
                    ytd_total=ytd,
                    progress_text=f"{m}月按计划推进",
                    next_plan_investment=done,
                    submitted_at=submitted,
                    is_late=late,
                    decided_at=submitted + timedelta(days=1),
                    decided_by=office,
                    decision_comment="采纳",
                    version=2,
                )  # fmt: skip
            )
    MonthlyReport.objects.bulk_create(rows, batch_size=BATCH)
    since_start.settle(programme.projects.all())
    return len(rows)


# --- problems (任务问题清单) -------------------------------------------------------------

PROBLEM_START = date(2025, 1, 2)  # raised over the programme year and into the next
PROBLEM_END = date(2026, 10, 31)
PROBLEM_HORIZON = datetime(2026, 11, 15, 18, tzinfo=SHANGHAI)  # no step after this
PROBLEM_TEXTS = {
    ProblemCategory.LAND: ("用地指标未落实，影响开工", "请自然资源部门协调用地指标"),
    ProblemCategory.DEMOLITION: ("红线内征迁未完成", "请属地政府加快征迁进度"),
    ProblemCategory.PERMITS: ("施工许可办理滞后", "请住建部门并联审批"),
    ProblemCategory.POWER: ("施工用电增容未接入", "请供电公司加快接入"),
    ProblemCategory.WATER: ("施工用水管线未接通", "请水务部门协调接水"),
    ProblemCategory.GAS: ("燃气管线迁改未完成", "请燃气公司配合迁改"),
    ProblemCategory.FUNDING: ("专项债资金未到位", "请财政部门加快资金拨付"),
    ProblemCategory.LABOUR: ("施工高峰期用工不足", "请人社部门协助招工"),
    ProblemCategory.ENVIRONMENT: ("环评批复未取得", "请生态环境部门加快审批"),
    ProblemCategory.SAFETY: ("施工安全隐患整改未完成", "请应急管理部门督促整改"),
    ProblemCategory.OTHER: ("周边群众反映施工噪音", "请属地政府协调化解"),
}
# Land, demolition and permits are most of what blocks projects.
CATEGORY_WEIGHTS = {
    ProblemCategory.LAND: 20, ProblemCategory.DEMOLITION: 14, ProblemCategory.PERMITS: 18,
    ProblemCategory.POWER: 8, ProblemCategory.WATER: 5, ProblemCategory.GAS: 3,
    ProblemCategory.FUNDING: 12, ProblemCategory.LABOUR: 4, ProblemCategory.ENVIRONMENT: 7,
    ProblemCategory.SAFETY: 4, ProblemCategory.OTHER: 5,
}  # fmt: skip
ESCALATION_TARGETS = [
    EscalationLevel.TASK_FORCE,
    EscalationLevel.OFFICE,
    EscalationLevel.DISPATCH,
    EscalationLevel.LEADERS,
]


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, clock(rng.randint(8, 17), rng.randrange(0, 60)), SHANGHAI)


def _problem_steps(rng: random.Random, has_lead: bool) -> list[tuple[str, int]]:
    """The planned life of one problem: (event kind, days after the previous step).
    Cut off at PROBLEM_HORIZON later, so recent problems are still open."""
    Kind = ProblemEvent.Kind
    if rng.random() < 0.03:
        return [(Kind.VOID, rng.randint(1, 10))]
    steps = [(Kind.ASSIGN, rng.randint(0, 3))] if has_lead else []
    steps += [(Kind.NOTE, rng.randint(3, 20)) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.18:
        steps.append((Kind.ESCALATE, rng.randint(5, 30)))
    if rng.random() < 0.12:  # stuck: still being handled, usually overdue by now
        return steps
    steps.append((Kind.RESOLVE, rng.randint(5, 60)))
    if rng.random() < 0.08:
        steps += [(Kind.RETURN, rng.randint(1, 5)), (Kind.RESOLVE, rng.randint(5, 20))]
    steps.append((Kind.CLOSE, rng.randint(1, 7)))
    return steps


def add_problems(programme: Programme, count: int, seed: int) -> tuple[int, int]:
    """`count` problems over the programme's projects (about `count / projects` each) with
    their events, replayed as the coordination services would (status and level after
    each step), so as-of views work. Raised on days from 2025-01 to 2026-10; problems
    later steps are cut off at PROBLEM_HORIZON, so recent ones are still open. Lead units
    are the project's responsible unit or a synthetic department; one in six problems
    goes up a level, some to the dispatch meeting (周调度会). Returns (problems, events)."""
    rng = random.Random(seed * 7919 + 3)
    Kind = ProblemEvent.Kind
    prefix = f"{programme.code}-"
    users = dict(User.objects.filter(username__startswith=prefix).values_list("username", "pk"))
    office = users[f"{prefix}office"]
    projects = list(
        programme.projects.order_by("seq").values_list("pk", "seq", "responsible_unit_id")
    )
    departments = list(
        Unit.objects.filter(name__in=[f"合成省{name}" for _s, name in DEPARTMENTS])
        .order_by("name")
        .values_list("pk", flat=True)
    )
    # The department accounts act for their unit, the district accounts for theirs.
    handlers = dict(
        RoleAssignment.objects.filter(programme=programme)
        .exclude(user__unit__isnull=True)
        .values_list("user__unit_id", "user_id")
    )
    categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    span = (PROBLEM_END - PROBLEM_START).days
    problems, lives, assisting = [], [], []
    for _problem in range(count):
        project_id, seq, responsible = rng.choice(projects)
        raiser = users.get(f"{prefix}tf{seq:05d}", office)
        category = rng.choices(categories, weights)[0]
        description, need = PROBLEM_TEXTS[category]
        raised_at = _moment(PROBLEM_START + timedelta(days=rng.randrange(span + 1)), rng)
        roll = rng.random()
        lead = None if roll < 0.05 else responsible if roll < 0.7 else rng.choice(departments)
        problem = Problem(
            project_id=project_id,
            category=category,
            description=f"{description}（合成数据）",
            need=need,
            lead_unit_id=lead,
            deadline=raised_at.date() + timedelta(days=rng.randint(15, 90)),
            raised_by_id=raiser,
            raised_at=raised_at,
            status=ProblemStatus.RAISED,
            level=EscalationLevel.DISTRICT,
        )
        events = [
            ProblemEvent(
                kind=Kind.RAISE,
                at=raised_at,
                status=problem.status,
                level=problem.level,
                actor_id=raiser,
                note=problem.description,
            )  # fmt: skip
        ]
        at = raised_at
        handler = handlers.get(lead, office)
        for kind, days in _problem_steps(rng, lead is not None):
            at = at + timedelta(days=days, minutes=rng.randint(10, 300))
            if at > PROBLEM_HORIZON:
                break
            actor, unit, note = office, None, ""
            if kind == Kind.ASSIGN:
                unit = lead
                problem.status = ProblemStatus.ASSIGNED
            elif kind == Kind.NOTE:
                actor, unit, note = handler, lead, f"{at:%m月%d日}已对接，正在推进"
                if problem.status in (ProblemStatus.ASSIGNED, ProblemStatus.RETURNED):
                    problem.status = ProblemStatus.IN_PROGRESS
            elif kind == Kind.ESCALATE:
                problem.level = rng.choices(ESCALATION_TARGETS, [3, 3, 5, 1])[0]
                note = "逾期未解决，提请上级协调"
            elif kind == Kind.RESOLVE:
                actor, unit, note = handler, lead, "已协调解决"
                problem.status = ProblemStatus.RESOLVED
                problem.resolution_note, problem.resolved_at = note, at
            elif kind == Kind.RETURN:
                problem.status, note = ProblemStatus.RETURNED, "解决情况不实，退回重办"
            elif kind == Kind.CLOSE:
                problem.status, problem.closed_at = ProblemStatus.CLOSED, at
            elif kind == Kind.VOID:
                problem.status, note = ProblemStatus.VOIDED, "重复提交，作废"
                problem.void_reason = note
            events.append(
                ProblemEvent(
                    kind=kind,
                    at=at,
                    status=problem.status,
                    level=problem.level,
                    actor_id=actor,
                    unit_id=unit,
                    note=note,
                )  # fmt: skip
            )
        problem.version = len(events)
        problems.append(problem)
        lives.append(events)
        if lead is not None and rng.random() < 0.2:
            helper = rng.choice(departments)
            assisting.append(helper if helper != lead else None)
        else:
            assisting.append(None)
    problems = Problem.objects.bulk_create(problems, batch_size=BATCH)
    rows = []
    for problem, events in zip(problems, lives, strict=True):
        for event in events:
            event.problem_id = problem.pk
            rows.append(event)
    ProblemEvent.objects.bulk_create(rows, batch_size=BATCH)
    through = Problem.assisting_units.through
    through.objects.bulk_create(
        [
            through(problem_id=p.pk, unit_id=unit)
            for p, unit in zip(problems, assisting, strict=True)
            if unit is not None
        ],
        batch_size=BATCH,
    )
    return len(problems), len(rows)
