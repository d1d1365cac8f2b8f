"""The demo programme's activity: a year of monthly reports, two paused projects and a
problem list, so that every light, list and measure has something to show.

Seed data, written directly with the ORM in bulk and stamped as if the flows had run
(submitted, reviewed and accepted at plausible times; each problem's steps as
`ProblemEvent`s so the as-of views work). Deterministic: one `random.Random` with a fixed
seed. Idempotent per part: reports, pauses and problems are each added only when the
programme has none yet.

The mix (programme year 2025, reports for 2025-01…2025-12, all accepted):
- most projects report on time and complete 95–110 % of their annual investment;
- the two expressways complete exactly what the seed states (`YEAR_TOTALS`: 31.81亿元
  together, 106% of their 30亿元 target);
- the three projects whose target the review raises by 10% (targets/demo.py) complete
  about the raised amount;
- a few report late in some months (`LATE`), two miss a month (`MISSING`);
- two lag 序时进度 (`FACTORS`): one by ~20 points (yellow), one by ~65 (red);
- two are paused (`PAUSES`) and stop reporting from the month of the pause.
Lights, pauses and open problems sit on projects the seed does not report as progressing
(省道230, 东部多式联运's disputed figures, and two livelihood projects it does not name).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from keyworks.audit.services import record_change
from keyworks.coordination.models import EscalationLevel, Problem, ProblemEvent, ProblemStatus
from keyworks.ledger.models import Milestone
from keyworks.orgs.models import Unit, User
from keyworks.reporting import since_start
from keyworks.reporting.models import MonthlyReport, ProjectPause, ReportStatus
from keyworks.reporting.services import SHANGHAI, due_at

from . import data

SEED = 20250101
CENT = Decimal("0.01")
MONTHS = [datetime.date(data.PROGRAMME["year"], m, 1) for m in range(1, 13)]
# Relative monthly weight of the work done (slow around the Spring Festival, busy in autumn).
WEIGHTS = [0.45, 0.5, 0.8, 0.9, 1.0, 1.0, 1.0, 1.05, 1.1, 1.15, 1.1, 0.95]

# Project seq -> months (1–12) whose report came in after the due day.
# (武陟县's projects report by the 3rd, as the seed says: none of them is late.)
LATE = {3: {3, 7}, 28: {5, 12}, 17: {2}, 22: {8, 12}}
# Project seq -> months never reported (red light for that month).
MISSING = {13: {12}, 20: {6}}
# Project seq -> share of the annual investment (as first planned) completed over the year
# (others 0.95–1.1). 21, 26 and 15 are the targets the review raises by 10%.
FACTORS = {
    7: Decimal("0.78"),
    13: Decimal("0.35"),
    21: Decimal("1.10"),
    26: Decimal("1.12"),
    15: Decimal("1.08"),
}
# Project seq -> the year's completed investment, where the seed states it: 沿太行 and 沿黄
# together 318,100万元 (31.81亿元), 106% of their 300,000万元 annual target.
YEAR_TOTALS = {11: Decimal("171300"), 12: Decimal("146800")}
# Project seq -> (reason, paused at (Shanghai), review date); no reports from that month.
PAUSES = {
    27: (
        "部分园址用地性质调整，需重新办理用地手续，暂缓建设",
        datetime.datetime(2025, 10, 20, 10, 0),
        "2026-12-31",
    ),
    30: ("体育馆改造设计方案调整，暂缓实施", datetime.datetime(2025, 11, 12, 15, 30), "2026-12-15"),
}

PROGRESS = {
    "industry": [
        "厂房基础施工，完成桩基{n}根",
        "主体结构施工至第{n}层",
        "主体钢结构吊装完成{p}%",
        "设备基础施工，生产线安装完成{p}%",
        "设备安装调试，完成{p}%",
    ],
    "infra": [
        "完成路基土方{n}万方",
        "桥梁桩基完成{p}%，墩柱施工中",
        "路面结构层铺设完成{p}%",
        "管网铺设完成{p}%",
        "附属工程施工，完成{p}%",
    ],
    "livelihood": [
        "基础施工，完成{p}%",
        "主体结构施工至第{n}层",
        "二次结构及机电安装完成{p}%",
        "室内装修完成{p}%",
        "室外配套工程施工，完成{p}%",
    ],
}
PLANS = {
    "industry": "推进主体施工和设备采购，加快生产线安装",
    "infra": "加快主线施工，同步推进附属工程和征迁扫尾",
    "livelihood": "加快主体及配套工程施工，做好质量安全管理",
}


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _stamp(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@transaction.atomic
def load_demo_activity(programme, *, audit: bool = True) -> Counter:
    """Add the demo's reports, pauses and problems where the programme has none; return
    what was created. With `audit`, one "import" record summarises it."""
    created: Counter = Counter()
    projects = {p.seq: p for p in programme.projects.select_related("category")}
    if not projects:
        return created
    usernames = ["office"] + [f"tf{seq:02d}" for seq in projects]
    usernames += [f"d{code}" for code, *_rest in data.DISTRICTS if code]
    usernames += [f"dept-{suffix}" for suffix, *_rest in data.DEPARTMENTS]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if "office" not in users:
        return created
    items = {item["seq"]: item for item in data.PROJECTS}
    rng = random.Random(SEED)

    if not MonthlyReport.objects.filter(project__programme=programme).exists():
        created["reports"] = _reports(programme, projects, items, users, rng)
    if not ProjectPause.objects.filter(project__programme=programme).exists():
        created["pauses"] = _pauses(projects, users)
    if not Problem.objects.filter(project__programme=programme).exists():
        created["problems"], created["problem_events"] = _problems(projects, users)
    created = Counter({k: v for k, v in created.items() if v})
    if audit and created:
        record_change(
            by=None,
            action="import",
            obj=programme,
            after=dict(sorted(created.items())),
            reason="加载演示月报与问题清单（数据为示意）",
            programme_id=programme.pk,
        )
    return created


# --- monthly reports ------------------------------------------------------------------


def _district_user(item, users):
    """The coordinator of the project's first district (None for the two zones)."""
    codes = {name: code for code, name, _k, _u in data.DISTRICTS if code}
    code = codes.get(item["districts"][0])
    return users.get(f"d{code}") if code else None


def _amounts(total: Decimal, months: list[int], rng) -> dict[int, Decimal]:
    """Monthly completed investment over `months`, summing to `total`."""
    total = _money(total)
    weights = {m: WEIGHTS[m - 1] * rng.uniform(0.85, 1.15) for m in months}
    scale = sum(weights.values())
    amounts = {m: _money(total * Decimal(w / scale)) for m, w in weights.items()}
    if months:
        amounts[months[-1]] += total - sum(amounts.values())
    return amounts


@dataclass(frozen=True)
class Mix:
    """How a programme's projects report (each keyed by project seq): see the module
    docstring."""

    late: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    factors: dict = field(default_factory=dict)
    year_totals: dict = field(default_factory=dict)
    pauses: dict = field(default_factory=dict)
    factor: Decimal | None = None  # for every project not in `factors` (else 0.95–1.1)


CITY_MIX = Mix(LATE, MISSING, FACTORS, YEAR_TOTALS, PAUSES)
# 高新区's own programme: its projects report on time and complete what they planned.
DISTRICT_MIX = Mix(factor=Decimal("1.00"))


def load_district_reports(programme, items, submitter, office) -> int:
    """Accepted monthly reports of a programme whose projects are `items` (data shape),
    all filed by `submitter` (高新区's liaison), while the programme has none."""
    if MonthlyReport.objects.filter(project__programme=programme).exists():
        return 0
    projects = {p.seq: p for p in programme.projects.select_related("category")}
    users = {"office": office} | {f"tf{seq:02d}": submitter for seq in projects}
    items = {item["seq"]: item for item in items}
    return _reports(programme, projects, items, users, random.Random(SEED + 1), DISTRICT_MIX)


def _reports(programme, projects, items, users, rng, mix: Mix = CITY_MIX) -> int:
    milestones: dict[tuple[int, datetime.date], list[str]] = {}
    for project_id, name, actual in Milestone.objects.filter(
        project__programme=programme, actual_date__year=programme.year
    ).values_list("project_id", "name", "actual_date"):
        key = (project_id, actual.replace(day=1))
        milestones.setdefault(key, []).append(f"{name}（{actual:%Y-%m-%d}）")
    office = users["office"]
    rows = []
    for seq in sorted(projects):
        project, item = projects[seq], items.get(seq)
        submitter = users.get(f"tf{seq:02d}")
        if item is None or submitter is None:
            continue
        pause = mix.pauses.get(seq)
        last = pause[1].month - 1 if pause else 12
        start = datetime.date.fromisoformat(item["actual_start"]) if item["actual_start"] else None
        working = [
            m
            for m in range(1, last + 1)
            if start is None or start <= datetime.date(programme.year, m, 28)
        ]
        factor = mix.factors.get(seq) or mix.factor or _money(Decimal(str(rng.uniform(0.95, 1.1))))
        if pause:  # work stopped with the pause
            factor = _money(factor * last / 12)
        annual = project.annual_investment or Decimal("0")
        amounts = _amounts(mix.year_totals.get(seq, annual * factor), working, rng)
        reviewer = (
            _district_user(item, users) if item["responsible"].startswith("district") else None
        )
        category = project.category.code if project.category else "industry"
        texts = PROGRESS.get(category, PROGRESS["industry"])
        year_total = sum(amounts.values())
        ytd = Decimal("0")
        for m in range(1, last + 1):
            if m in mix.missing.get(seq, ()):
                continue
            month = MONTHS[m - 1]
            completed = amounts.get(m, Decimal("0"))
            # Year to date as reporting.services.compute_totals: the project's counted
            # earlier reports plus this one; 开工累计 is set by since_start.settle below.
            ytd += completed
            due = due_at(programme, month)
            if m in mix.late.get(seq, ()):
                submitted = due + datetime.timedelta(
                    days=rng.randint(2, 8), hours=-rng.randint(3, 8)
                )
            else:
                submitted = due - datetime.timedelta(
                    days=rng.randint(0, 2), hours=rng.randint(2, 9)
                )
            reviewed = (
                submitted + datetime.timedelta(hours=rng.randint(4, 30)) if reviewer else None
            )
            decided = (reviewed or submitted) + datetime.timedelta(hours=rng.randint(6, 48))
            stage = min(len(texts) - 1, (m - 1) * len(texts) // 12)
            share = min(100, round(100 * ytd / year_total)) if year_total else 0
            progress = texts[stage].format(n=m + 2, p=share)
            if not start or month < start.replace(day=1):
                progress = "前期手续办理中，完成可研及初步设计编制"
            plan = amounts.get(m + 1, completed) if m < 12 else completed
            rows.append(
                MonthlyReport(
                    project=project,
                    month=month,
                    status=ReportStatus.ACCEPTED,
                    completed_this_month=completed,
                    ytd_total=ytd,
                    milestones_reached="；".join(milestones.get((project.pk, month), [])),
                    output_figures=item.get("output_indicators", "") if m == 12 else "",
                    progress_text=progress,
                    next_plan_investment=plan,
                    next_plan_content=PLANS.get(category, PLANS["industry"]),
                    submitted_at=submitted,
                    submitted_by=submitter,
                    is_late=submitted > due,
                    reviewed_at=reviewed,
                    reviewed_by=reviewer if reviewed else None,
                    review_comment="经核实，数据属实" if reviewed else "",
                    decided_at=decided,
                    decided_by=office,
                    decision_comment="采纳",
                    version=3 if reviewed else 2,
                )
            )
    count = len(MonthlyReport.objects.bulk_create(rows))
    since_start.settle(programme.projects.all())
    return count


def _pauses(projects, users) -> int:
    rows = [
        ProjectPause(
            project=projects[seq],
            reason=reason,
            review_date=datetime.date.fromisoformat(review),
            started_at=started.replace(tzinfo=SHANGHAI),
            by=users["office"],
        )
        for seq, (reason, started, review) in PAUSES.items()
        if seq in projects
    ]
    return len(ProjectPause.objects.bulk_create(rows))


# --- problems -------------------------------------------------------------------------

# Each problem: project seq, category, lead unit ("dept:<suffix>" / "district:<name>" /
# None), deadline, description, need, and its steps (kind, Shanghai time, note[, level]).
PROBLEMS = [
    {
        "seq": 25,
        "category": "land",
        "lead": "dept:zrzy",
        "deadline": "2025-02-20",
        "description": "新校区建设用地征收报批未完成，影响开工",
        "need": "市自然资源规划局加快用地报批，力争2月中旬取得批复",
        "steps": [
            ("raise", "2025-01-08 09:30", ""),
            ("assign", "2025-01-08 15:00", "请市自然资源规划局牵头，市教育局配合"),
            ("note", "2025-01-20 10:00", "已完成组卷，上报省自然资源厅"),
            ("resolve", "2025-02-10 16:00", "省厅已批复用地，项目具备开工条件"),
            ("close", "2025-02-12 09:00", "经核实已解决，同意销号"),
        ],
    },
    {
        "seq": 22,
        "category": "permits",
        "lead": "dept:zjj",
        "deadline": "2025-04-15",
        "description": "门诊综合楼施工许可办理材料不全，施工图审查意见未闭合",
        "need": "市住房城乡建设局指导完善施工图审查，并联办理施工许可",
        "steps": [
            ("raise", "2025-03-10 10:20", ""),
            ("assign", "2025-03-10 16:00", ""),
            ("note", "2025-03-21 11:00", "施工图审查意见已闭合，施工许可进入并联办理"),
            ("resolve", "2025-04-03 15:00", "已核发施工许可证"),
            ("close", "2025-04-08 10:00", ""),
        ],
    },
    {
        "seq": 2,
        "category": "environment",
        "lead": "dept:sthj",
        "deadline": "2025-05-31",
        "description": "二期项目主要污染物总量指标不足，环评审批受限",
        "need": "市生态环境局统筹腾退环境容量，解决项目污染物总量问题",
        "steps": [
            ("raise", "2025-04-02 09:00", ""),
            ("assign", "2025-04-02 14:30", ""),
            ("note", "2025-04-18 10:00", "已梳理区内关停企业可腾退总量，形成调剂方案"),
            ("resolve", "2025-05-09 16:30", "总量指标已调剂到位，环评已批复"),
            ("close", "2025-05-12 09:00", ""),
        ],
    },
    {
        "seq": 11,
        "category": "land",
        "lead": "dept:zrzy",
        "deadline": "2025-06-30",
        "description": "修武段临时用地及林地使用手续未批，影响取土场启用",
        "need": "市自然资源规划局协调办理临时用地和使用林地审批",
        "steps": [
            ("raise", "2025-04-22 10:00", ""),
            ("assign", "2025-04-22 17:00", "修武县人民政府配合"),
            ("note", "2025-05-15 09:30", "林地使用手续已上报省林业局"),
            ("resolve", "2025-06-06 15:00", "临时用地及林地手续全部办结"),
            ("close", "2025-06-10 10:00", ""),
        ],
    },
    {
        "seq": 3,
        "category": "power",
        "lead": "dept:fgw",
        "deadline": "2025-07-15",
        "description": "110千伏专用变电站接入系统方案未批复，影响设备调试送电",
        "need": "协调供电公司加快接入方案批复和外线施工",
        "steps": [
            ("raise", "2025-05-20 09:00", ""),
            ("assign", "2025-05-20 16:00", ""),
            ("note", "2025-06-05 10:00", "接入系统方案已评审，外线工程开始施工"),
            ("resolve", "2025-07-08 17:00", "专用变电站已送电"),
            ("close", "2025-07-10 09:30", ""),
        ],
    },
    {
        "seq": 12,
        "category": "demolition",
        "lead": "district:武陟县",
        "deadline": "2025-08-31",
        "description": "武陟段沿线3处房屋及2条通信线路未完成征迁，影响主线贯通",
        "need": "武陟县人民政府加快房屋征收和管线迁改",
        "steps": [
            ("raise", "2025-06-16 09:00", ""),
            ("assign", "2025-06-16 15:00", ""),
            ("note", "2025-07-10 10:00", "已完成2处房屋征收，通信线路迁改方案已确定"),
            ("escalate", "2025-07-14 09:00", "涉及管线产权单位较多，提请指挥部办公室协调", 3),
            ("resolve", "2025-08-22 16:00", "房屋征收和线路迁改全部完成，主线贯通"),
            ("close", "2025-08-26 10:00", ""),
        ],
    },
    {
        "seq": 20,
        "category": "power",
        "lead": "district:中站区",
        "deadline": "2025-08-15",
        "description": "双回路供电线路走廊与规划道路冲突，需调整路径",
        "need": "中站区人民政府协调线路走廊调整",
        "steps": [
            ("raise", "2025-07-01 10:00", ""),
            ("assign", "2025-07-01 16:00", ""),
            ("resolve", "2025-07-29 15:00", "线路路径调整方案已确定并完成施工"),
            ("close", "2025-08-01 09:00", ""),
        ],
    },
    {
        "seq": 1,
        "category": "land",
        "lead": "dept:zrzy",
        "deadline": "2025-09-10",
        "description": "二期项目新增用地需尽快完成报批，影响二期主体工程开工",
        "need": "市自然资源规划局加快组卷审查，当日出市报省",
        "steps": [
            ("raise", "2025-09-01 09:10", ""),
            ("assign", "2025-09-01 09:40", "请市自然资源规划局当日办理"),
            ("note", "2025-09-01 17:30", "已完成组卷审查，当日出市报省"),
            ("resolve", "2025-09-02 11:00", "用地审批1天出市报省，摘牌当天即拿证"),
            ("close", "2025-09-03 09:00", ""),
        ],
    },
    {
        "seq": 13,
        "category": "permits",
        "lead": "dept:jtys",
        "deadline": "2026-01-31",
        "description": "初步设计批复滞后，影响开工节点",
        "need": "市交通运输局协调省交通运输厅加快初步设计审查",
        "steps": [
            ("raise", "2025-09-15 10:00", ""),
            ("assign", "2025-09-15 16:00", ""),
            ("note", "2025-11-10 10:00", "初步设计已通过省厅专家评审，正按意见修改"),
            ("resolve", "2026-01-22 16:00", "初步设计已批复"),
            ("close", "2026-01-26 09:00", ""),
        ],
    },
    {
        "seq": 27,
        "category": "land",
        "lead": "dept:zrzy",
        "deadline": "2026-06-30",
        "description": "新建幼儿园部分园址用地性质需调整，项目暂缓建设",
        "need": "市自然资源规划局指导园址用地性质调整，明确报批时限",
        "steps": [
            ("raise", "2025-10-15 09:00", ""),
            ("assign", "2025-10-15 15:00", "市教育局配合"),
            ("note", "2025-12-12 10:00", "园址用地调整方案编制中"),
            ("note", "2026-05-20 10:00", "调整方案已通过专家审查，正在修改完善"),
        ],
    },
    {
        "seq": 28,
        "category": "funding",
        "lead": "dept:fgw",
        "deadline": "2026-12-31",
        "description": "中央预算内投资配套资金未足额到位，住院楼建设资金紧张",
        "need": "市发展改革委协调落实配套资金，争取专项债支持",
        "steps": [
            ("raise", "2026-08-25 09:00", ""),
            ("assign", "2026-08-25 16:00", "市卫生健康委配合"),
            ("note", "2026-09-18 10:00", "已申报专项债项目，等待额度下达"),
            ("resolve", "2026-10-20 15:00", "专项债额度已下达"),
            ("return", "2026-10-28 09:00", "资金尚未拨付到项目，问题未实际解决，退回继续办理"),
        ],
    },
    {
        "seq": 14,
        "category": "demolition",
        "lead": "district:解放区",
        "deadline": "2026-12-20",
        "description": "丰收路口段4户商铺征迁未完成，影响道路贯通",
        "need": "解放区人民政府加快商铺征收补偿，必要时依法启动征收程序",
        "steps": [
            ("raise", "2026-09-10 10:00", ""),
            ("assign", "2026-09-10 15:30", ""),
            ("note", "2026-09-28 10:00", "已签约1户，其余3户补偿标准分歧较大"),
            ("escalate", "2026-10-09 09:00", "区级协调未果，提请周调度会研究", 4),
            ("note", "2026-10-16 17:00", "周调度会明确补偿政策口径，已签约2户"),
        ],
    },
    {
        "seq": 5,
        "category": "permits",
        "lead": "dept:yjgl",
        "deadline": "2026-12-31",
        "description": "原料药车间安全设施设计审查未通过，影响二期车间建设",
        "need": "市应急管理局指导完善安全设施设计",
        "steps": [
            ("raise", "2026-10-12 09:00", ""),
            ("assign", "2026-10-12 16:00", ""),
            ("note", "2026-11-05 10:00", "已组织专家现场指导，企业正在修改设计"),
        ],
    },
    {
        "seq": 9,
        "category": "funding",
        "lead": "district:武陟县",
        "deadline": "2026-12-31",
        "description": "标准化厂房建设资金缺口约1.2亿元",
        "need": "武陟县人民政府协调金融机构落实项目贷款",
        "steps": [
            ("raise", "2026-09-20 10:00", ""),
            ("assign", "2026-09-20 16:00", ""),
            ("note", "2026-10-15 10:00", "已与两家银行对接，授信审批中"),
            ("resolve", "2026-11-18 15:00", "银行贷款1.2亿元已授信并首笔放款"),
        ],
    },
    {
        "seq": 26,
        "category": "gas",
        "lead": "dept:zjj",
        "deadline": "2027-01-15",
        "description": "中压燃气管道迁改与小区改造施工交叉，需调整施工顺序",
        "need": "市住房城乡建设局协调燃气公司调整迁改计划",
        "steps": [
            ("raise", "2026-11-10 09:00", ""),
            ("assign", "2026-11-10 15:00", ""),
        ],
    },
    {
        "seq": 17,
        "category": "water",
        "lead": None,
        "deadline": "2026-12-31",
        "description": "输水管线穿越焦柳铁路段施工方案需铁路部门审批",
        "need": "请指挥部办公室明确牵头单位，协调铁路部门审批",
        "steps": [("raise", "2026-11-20 10:00", "")],
    },
]


def _lead_unit_name(key: str) -> str:
    kind, _, value = key.partition(":")
    if kind == "dept":
        return next(name for suffix, name, _s in data.DEPARTMENTS if suffix == value)
    return next(unit for _c, name, _k, unit in data.DISTRICTS if name == value)


def _lead_account(key: str | None, users):
    if key is None:
        return None
    kind, _, value = key.partition(":")
    if kind == "dept":
        return users.get(f"dept-{value}")
    code = next((c for c, name, _k, _u in data.DISTRICTS if name == value), None)
    return users.get(f"d{code}") if code else None


def _problems(projects, users) -> tuple[int, int]:
    """Create the problems with their events, replaying each step's effect on status,
    level and the resolution fields as the coordination services would."""
    office = users["office"]
    leads = {spec["lead"] for spec in PROBLEMS if spec["lead"]}
    units = {u.name: u for u in Unit.objects.filter(name__in=[_lead_unit_name(k) for k in leads])}
    Kind = ProblemEvent.Kind
    problems, event_lists = [], []
    for spec in PROBLEMS:
        project = projects.get(spec["seq"])
        raiser = users.get(f"tf{spec['seq']:02d}")
        if project is None or raiser is None:
            continue
        lead = units.get(_lead_unit_name(spec["lead"])) if spec["lead"] else None
        handler = _lead_account(spec["lead"], users) or office
        problem = Problem(
            project=project,
            category=spec["category"],
            description=spec["description"],
            need=spec["need"],
            lead_unit=lead,
            deadline=datetime.date.fromisoformat(spec["deadline"]),
            raised_by=raiser,
            raised_at=_stamp(spec["steps"][0][1]),
            status=ProblemStatus.RAISED,
            level=EscalationLevel.DISTRICT,
        )
        events = []
        for step in spec["steps"]:
            kind, at, note = step[0], _stamp(step[1]), step[2]
            actor, unit = office, None
            if kind == Kind.RAISE:
                actor, note = raiser, note or problem.description
            elif kind == Kind.ASSIGN:
                unit = lead
                if problem.status in (ProblemStatus.RAISED, ProblemStatus.RETURNED):
                    problem.status = ProblemStatus.ASSIGNED
            elif kind == Kind.NOTE:
                actor, unit = handler, lead
                if problem.status in (ProblemStatus.ASSIGNED, ProblemStatus.RETURNED):
                    problem.status = ProblemStatus.IN_PROGRESS
            elif kind == Kind.RESOLVE:
                actor, unit = handler, lead
                problem.status = ProblemStatus.RESOLVED
                problem.resolution_note = note
                problem.resolved_at = at
            elif kind == Kind.CLOSE:
                problem.status = ProblemStatus.CLOSED
                problem.resolution_note = problem.resolution_note or note
                problem.closed_at = at
                problem.resolved_at = problem.resolved_at or at
            elif kind == Kind.RETURN:
                problem.status = ProblemStatus.RETURNED
            elif kind == Kind.ESCALATE:
                problem.level = step[3]
            events.append(
                ProblemEvent(
                    kind=kind,
                    at=at,
                    status=problem.status,
                    level=problem.level,
                    actor=actor,
                    unit=unit,
                    note=note,
                )
            )
        problem.version = len(events)
        problems.append(problem)
        event_lists.append(events)
    problems = Problem.objects.bulk_create(problems)
    rows = []
    for problem, events in zip(problems, event_lists, strict=True):
        for event in events:
            event.problem = problem
            rows.append(event)
    return len(problems), len(ProblemEvent.objects.bulk_create(rows))
