"""Demo data for the demo programme: annual targets (年度目标) for its year.

Most projects get an accepted target built from their ledger (annual investment, the
year's milestones) and, where the seed article gives a figure, an output indicator; two
wait for review and one was returned with a comment. As the seed article tells it, the
office's item-by-item review raised three projects' annual investment by 10% (`REVISED`,
市老旧小区集中供暖 among them) and shortened two completion dates (`SHORTENED`): each is an
accepted second version, reviewed, whose figure the ledger then follows. Figures are
illustrative. Rows are written directly (seed data, like the rest
of the demo loader); the loader's one "import" record covers them."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import F

from keyworks.core.calendar import SHANGHAI
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role, RoleAssignment

from .models import AnnualTarget, ItemKind, ItemState, TargetItem, TargetStatus

SUBMITTED = ("市第二人民医院", "市体育中心全民健身设施提升")
RETURNED = "河南高铁焦洛平段"
RETURN_COMMENT = "初步设计批复时间未落实，请与省铁路建设投资公司核实后调整节点日期"
REVISED = ("市老旧小区集中供暖", "老旧小区与燃气管网改造", "山阳路大沙河桥")
REVISION_REASON = "经年度目标逐项审核，压实建设任务，年度计划投资增加10%"
# Project name -> (completion milestone, date after the review): "最大限度压缩竣工时间".
SHORTENED = {
    "市灌区建设与改造": ("竣工验收", datetime.date(2026, 10, 31)),
    "城市医疗服务能力提升": ("竣工投用", datetime.date(2026, 9, 30)),
}
SHORTEN_REASON = "经年度目标逐项审核，最大限度压缩竣工时间，竣工日期提前"
# Output indicators where the seed article gives a figure: (name, unit, value).
INDICATORS = {
    "中福钛锆产业园": [("钛及钛合金产能", "万吨", "1.5")],
    "宁福巨湾新能源动力电池": [("圆柱电池产出", "万支", "149")],
    "中内配氢燃料电池发动机/空压机": [("空压机交付", "台", "102")],
    "马村生物医药产业园": [("标准化厂房建成", "栋", "4")],
    "牧野路(影视路—丰收路)": [("道路建成", "米", "6168.1")],
    "市老旧小区集中供暖": [("老旧小区供热设施建设", "个", "139"), ("惠及家庭", "万户", "5")],
    "老旧小区与燃气管网改造": [("燃气管网改造", "千米", "229")],
}


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def load_demo(programme) -> Counter:
    """Add the targets while the programme has none; return what was made."""
    created: Counter = Counter()
    if AnnualTarget.objects.filter(project__programme=programme).exists():
        return created
    year = programme.year
    projects = list(
        programme.projects.filter(annual_investment__gt=0, archived_at__isnull=True)
        .select_related("task_force")
        .prefetch_related("milestones")
        .order_by("seq")
    )
    roles = RoleAssignment.objects.filter(programme=programme)
    office = next((a.user for a in roles.filter(role=Role.OFFICE).select_related("user")), None)
    members = {
        a.task_force_id: a.user
        for a in roles.filter(role=Role.TASKFORCE).select_related("user").order_by("-pk")
    }
    for project in projects:
        member = members.get(project.task_force_id)
        status = (
            TargetStatus.SUBMITTED
            if project.name in SUBMITTED
            else TargetStatus.RETURNED
            if project.name == RETURNED
            else TargetStatus.ACCEPTED
        )
        first = _target(project, year, 1, status, project.annual_investment, member, office)
        created["annual_targets"] += 1
        created["annual_target_items"] += _items(first, project, year, status)
        if project.name == RETURNED:
            _return_first_milestone(first)
        if project.name in REVISED:
            raised = (project.annual_investment * Decimal("1.1")).quantize(Decimal("0.01"))
            second = _target(
                project, year, 2, TargetStatus.ACCEPTED, raised, member, office, REVISION_REASON
            )
            created["annual_targets"] += 1
            created["annual_target_items"] += _items(second, project, year, TargetStatus.ACCEPTED)
            # The ledger follows the current accepted target (what the measures use).
            Project.objects.filter(pk=project.pk).update(
                annual_investment=raised, version=F("version") + 1
            )
        if project.name in SHORTENED:
            created["annual_targets"] += 1
            created["annual_target_items"] += _shorten(
                project, year, first, *SHORTENED[project.name], member, office
            )
    return created


def _shorten(project, year, first, milestone, new_date, member, office) -> int:
    """The review's second version moving `milestone` (the completion) to `new_date`; the
    first version lists the completion as first planned. The ledger follows."""
    planned = project.planned_finish
    TargetItem.objects.create(
        target=first,
        kind=ItemKind.MILESTONE,
        name=milestone,
        planned_date=planned,
        state=first.investment_state,
        sort=99,
    )
    second = _target(
        project, year, 2, TargetStatus.ACCEPTED, first.investment, member, office, SHORTEN_REASON
    )
    count = _items(second, project, year, TargetStatus.ACCEPTED)
    TargetItem.objects.create(
        target=second,
        kind=ItemKind.MILESTONE,
        name=milestone,
        planned_date=new_date,
        state=ItemState.ACCEPTED,
        sort=99,
    )
    project.milestones.filter(name=milestone).update(planned_date=new_date)
    Project.objects.filter(pk=project.pk).update(planned_finish=new_date, version=F("version") + 1)
    return count + 2  # with the completion item of each version


def _target(project, year, revision, status, investment, member, office, reason="") -> AnnualTarget:
    revised = revision > 1
    # The review's revisions follow the first versions within weeks (年度目标逐项审核).
    submitted = at(year, 2, 10) if revised else at(year, 1, 15 + project.seq % 10)
    reviewed = status in (TargetStatus.ACCEPTED, TargetStatus.RETURNED)
    state = ItemState.ACCEPTED if status == TargetStatus.ACCEPTED else ItemState.PENDING
    return AnnualTarget.objects.create(
        project=project,
        year=year,
        revision=revision,
        reason=reason,
        status=status,
        investment=investment,
        investment_state=state,
        created_by=member,
        submitted_at=submitted,
        submitted_by=member,
        reviewed_at=submitted + datetime.timedelta(days=8) if reviewed else None,
        reviewed_by=office if reviewed else None,
    )


def _items(target, project, year, status) -> int:
    state = ItemState.ACCEPTED if status == TargetStatus.ACCEPTED else ItemState.PENDING
    rows = [
        TargetItem(
            target=target,
            kind=ItemKind.MILESTONE,
            name=m.name[:100],
            planned_date=m.planned_date,
            state=state,
            sort=sort,
        )
        for sort, m in enumerate(m for m in project.milestones.all() if m.planned_date.year == year)
    ]
    rows += [
        TargetItem(
            target=target,
            kind=ItemKind.INDICATOR,
            name=name,
            unit=unit,
            value=Decimal(value),
            state=state,
            sort=sort,
        )
        for sort, (name, unit, value) in enumerate(INDICATORS.get(project.name, []))
    ]
    TargetItem.objects.bulk_create(rows)
    return len(rows)


def _return_first_milestone(target) -> None:
    """The office accepted the investment and returned the first milestone."""
    target.investment_state = ItemState.ACCEPTED
    target.save(update_fields=["investment_state"])
    items = list(target.items.order_by("-kind", "sort"))  # milestones first
    for item in items:
        item.state = ItemState.ACCEPTED
    if items:
        items[0].state, items[0].comment = ItemState.RETURNED, RETURN_COMMENT
    TargetItem.objects.bulk_update(items, ["state", "comment"])
