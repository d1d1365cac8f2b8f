"""Demo data for the demo programme: supervision items (督导清单) and leaders' instructions
(领导批示), in varied states, each step stored as a TaskEvent dated in 2025 so that the
as-of views work. Written directly with the ORM (seed data, stamped as if the flows had
run), and added only while the programme has no tasks. Texts and dates are illustrative.

Open items whose deadline should still lie ahead get `today + n days` when the demo is
loaded after 2025 (a demo where every open item is overdue would show nothing useful);
the ones meant to be overdue (a returned item, an answered one not yet accepted, an
unanswered instruction) keep their 2025 deadlines.

Units are those the demo loader created: a department's is the unit of its demo account
(`dept-<key>`), a district's the district government (short name: the district)."""

import datetime
from collections import Counter

from django.db import transaction

from keyworks.core.calendar import SHANGHAI, local_today
from keyworks.ledger.models import Project
from keyworks.orgs.models import Unit, User

from .models import Task, TaskEvent, TaskKind, TaskStatus

Kind = TaskEvent.Kind
SUP, INS = TaskKind.SUPERVISION, TaskKind.INSTRUCTION

# Each item: kind, project seq (or None), text, lead unit key, assisting unit keys, issue
# date, deadline (None: still ahead, today + `ahead` days), steps (event kind, date, note).
ITEMS = [
    dict(
        kind=SUP,
        seq=1,
        lead="district:中站区",
        assisting=["dept:zrzy"],
        on="2025-03-10",
        deadline="2025-03-31",
        text="督促中福钛锆产业园二期用地组卷报批，明确报省时间节点。",
        steps=[
            ("answer", "2025-03-25", "二期用地已完成组卷，3月24日报省自然资源厅。"),
            ("accept", "2025-03-27", "经核实已报省，予以办结。"),
        ],
    ),
    dict(
        kind=SUP,
        seq=11,
        lead="dept:jtys",
        assisting=[],
        on="2025-05-06",
        deadline="2025-05-30",
        text="沿太行高速焦作至济源段施工便道扬尘管控不到位，限期整改并反馈整改照片。",
        steps=[
            ("answer", "2025-05-20", "已增设喷淋设施，便道全部硬化覆盖。"),
            ("return", "2025-05-22", "整改照片不全，请补充K12至K18段现场照片。"),
            ("answer", "2025-05-28", "已补充K12至K18段整改照片。"),
            ("accept", "2025-05-30", "整改到位，办结。"),
        ],
    ),
    dict(
        kind=SUP,
        seq=17,
        lead="dept:sl",
        assisting=["district:武陟县"],
        on="2025-07-14",
        deadline="2025-08-15",
        text="市城乡供水一体化项目6月月报投资完成数与核验结果不一致，请说明原因并更正。",
        steps=[("answer", "2025-08-10", "系统漏录部分管材采购款，已提交更正申请。")],
        # answered, waiting for the office's acceptance
    ),
    dict(
        kind=SUP,
        seq=21,
        lead="dept:zjj",
        assisting=[],
        on="2025-09-02",
        deadline="2025-10-15",
        text="市老旧小区集中供暖项目入冬前完成换热站调试，督导组10月中旬现场核验。",
        steps=[
            ("answer", "2025-10-10", "28座换热站已完成调试。"),
            ("return", "2025-10-13", "现场核验发现3座换热站未通水，退回继续整改。"),
        ],
        # returned, deadline passed: overdue
    ),
    dict(
        kind=SUP,
        seq=9,
        lead="district:武陟县",
        assisting=[],
        on="2025-10-20",
        deadline=None,
        ahead=20,
        text="武陟集成电路产业园标准化厂房消防验收滞后，督促倒排工期。",
        steps=[],
    ),
    dict(
        kind=SUP,
        seq=25,
        lead="dept:jyj",
        assisting=["dept:zjj"],
        on="2025-06-03",
        deadline="2025-07-31",
        text="市十一中迁建项目秋季开学前完成教学楼竣工验收。",
        steps=[
            ("answer", "2025-07-25", "教学楼已于7月24日通过竣工验收。"),
            ("accept", "2025-07-28", "办结。"),
        ],
    ),
    dict(
        kind=SUP,
        seq=14,
        lead="district:解放区",
        assisting=[],
        on="2025-11-03",
        deadline=None,
        ahead=2,
        text="牧野路(影视路—丰收路)沿线管线迁改进度滞后，请解放区每周报送迁改进展。",
        steps=[],
    ),
    dict(
        kind=SUP,
        seq=None,
        lead="dept:fgw",
        assisting=[],
        on="2025-11-18",
        deadline=None,
        ahead=30,
        text="梳理三十工程项目超长期特别国债资金拨付情况，形成专题报告。",
        steps=[("answer", "2025-12-05", "已形成专题报告初稿，报指挥部办公室。")],
    ),
    dict(
        kind=INS,
        seq=12,
        lead="dept:jtys",
        assisting=["district:武陟县", "district:温县"],
        on="2025-04-08",
        deadline="2025-06-30",
        text="沿黄高速要抢抓施工黄金期，确保年底主线贯通，交通、沿线县区全力保障。",
        steps=[
            ("answer", "2025-06-25", "已组织三班倒施工，主线路基完成92%。"),
            ("accept", "2025-06-28", "阅。继续盯紧节点。"),
        ],
    ),
    dict(
        kind=INS,
        seq=2,
        lead="district:中站区",
        assisting=["dept:fgw"],
        on="2025-08-12",
        deadline=None,
        ahead=10,
        text="宁福巨湾二期要做好用能指标保障，中站区会同发改委拿出方案。",
        steps=[("answer", "2025-09-20", "已向省发改委申请用能指标，正在审核。")],
    ),
    dict(
        kind=INS,
        seq=22,
        lead="dept:wjw",
        assisting=[],
        on="2025-09-15",
        deadline="2025-10-31",
        text="城市医疗服务能力提升项目设备采购要公开透明，按期完成招标。",
        steps=[
            ("answer", "2025-10-28", "设备招标已完成，公示无异议。"),
            ("accept", "2025-10-30", "同意办结。"),
        ],
    ),
    dict(
        kind=INS,
        seq=27,
        lead="dept:jyj",
        assisting=["dept:zrzy"],
        on="2025-11-10",
        deadline="2025-12-31",
        text="公办幼儿园园址调整要抓紧，年内完成用地手续，尽早恢复建设。",
        steps=[],
    ),
    dict(
        kind=INS,
        seq=None,
        lead="dept:fgw",
        assisting=[],
        on="2025-12-01",
        deadline=None,
        ahead=15,
        subject="2025年第48次周调度会",
        text="周调度会反映的审批堵点，发改委牵头逐项销号，结果报我。",
        steps=[],
    ),
]


def demo_units(keys) -> dict[str, Unit]:
    """The units of `keys` ("dept:fgw", "district:中站区") that the demo loader created."""
    depts = {key.partition(":")[2] for key in keys if key.startswith("dept:")}
    accounts = User.objects.filter(username__in=[f"dept-{d}" for d in depts], unit__isnull=False)
    units = {
        f"dept:{u.username.removeprefix('dept-')}": u.unit for u in accounts.select_related("unit")
    }
    districts = {key.partition(":")[2] for key in keys if key.startswith("district:")}
    for unit in Unit.objects.filter(kind=Unit.Kind.DISTRICT, short_name__in=districts):
        units[f"district:{unit.short_name}"] = unit
    return units


def _at(day: str, hour: int) -> datetime.datetime:
    d = datetime.date.fromisoformat(day)
    return datetime.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


@transaction.atomic
def load_demo(programme) -> Counter:
    """Add this part of the demo while the programme has none of it; return what was made."""
    created = Counter()
    if Task.objects.filter(programme=programme).exists():
        return created
    users = {
        u.username: u for u in User.objects.filter(username__in=["office", "leader", "inspector"])
    }
    if len(users) < 3:
        return created
    units = demo_units({k for item in ITEMS for k in [item["lead"], *item["assisting"]]})
    projects = {p.seq: p for p in Project.objects.filter(programme=programme)}
    today = local_today()
    for n, item in enumerate(ITEMS):
        lead = units.get(item["lead"])
        answerer = User.objects.filter(unit=lead, roles__programme=programme).first()
        if lead is None or answerer is None:
            continue
        issuer = users["leader"] if item["kind"] == INS else users[("inspector", "office")[n % 2]]
        recorder = users["office"] if item["kind"] == INS and n % 2 else issuer
        deadline = item["deadline"]
        if deadline is None:
            deadline = max(today, datetime.date(2025, 12, 31)) + datetime.timedelta(item["ahead"])
        else:
            deadline = datetime.date.fromisoformat(deadline)
        issued_at = _at(item["on"], 9)
        task = Task.objects.create(
            programme=programme,
            kind=item["kind"],
            text=item["text"],
            project=projects.get(item["seq"]),
            subject_label=item.get("subject", ""),
            lead_unit=lead,
            deadline=deadline,
            issued_by=issuer,
            recorded_by=recorder,
            issued_on=issued_at.date(),
            issued_at=issued_at,
        )
        task.assisting_units.set([units[k] for k in item["assisting"] if k in units])
        events = [
            TaskEvent(
                task=task,
                kind=Kind.ISSUE,
                at=issued_at,
                status=TaskStatus.ISSUED,
                actor=recorder,
                unit=lead,
                note=item["text"],
            )
        ]
        for kind, day, note in item["steps"]:
            at = _at(day, 15)
            if kind == Kind.ANSWER:
                task.status, task.answer, task.answered_at = TaskStatus.ANSWERED, note, at
                actor, unit = answerer, lead
            elif kind == Kind.ACCEPT:
                task.status, task.accepted_at = TaskStatus.ACCEPTED, at
                actor, unit = issuer, None
            else:
                task.status = TaskStatus.RETURNED
                actor, unit = issuer, None
            task.version += 1
            events.append(
                TaskEvent(
                    task=task,
                    kind=kind,
                    at=at,
                    status=task.status,
                    actor=actor,
                    unit=unit,
                    note=note,
                )
            )
        task.save()
        TaskEvent.objects.bulk_create(events)
        created["tasks"] += 1
        created["task events"] += len(events)
    return created
