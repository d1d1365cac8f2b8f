"""Demo data for the demo programme: annual targets (年度目标) for its year.

Most projects get an accepted target built from their ledger (annual investment, the
year's milestones) and, where the seed article gives a figure, an output indicator; two
wait for review, one was returned with a comment, and one was revised (+10%) after
acceptance. Figures are illustrative. Rows are written directly (seed data, like the rest
of the demo loader); the loader's one "import" record covers them."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import F

from keyworks.core.calendar import SHANGHAI
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role, RoleAssignment

from .models import AnnualTarget, ItemKind, ItemState, TargetItem, TargetStatus

SUBMITTED = ("市第二人民医院", "高新区背街小巷提升改造")
RETURNED = "河南高铁焦洛平段"
RETURN_COMMENT = "初步设计批复时间未落实，请与省铁路建设投资公司核实后调整节点日期"
REVISED = "沿太行高速焦作至济源段"
REVISION_REASON = "路面工程提前进场，经市指挥部调度会研究，年度计划投资上调10%"
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
        if project.name == REVISED:
            raised = (project.annual_investment * Decimal("1.1")).quantize(Decimal("0.01"))
            second = _target(project, year, 2, TargetStatus.ACCEPTED, raised, member, office)
            created["annual_targets"] += 1
            created["annual_target_items"] += _items(second, project, year, TargetStatus.ACCEPTED)
            # The ledger follows the current accepted target (what the measures use).
            Project.objects.filter(pk=project.pk).update(
                annual_investment=raised, version=F("version") + 1
            )
    return created


def _target(project, year, revision, status, investment, member, office) -> AnnualTarget:
    revised = revision > 1
    submitted = at(year, 7, 10) if revised else at(year, 1, 15 + project.seq % 10)
    reviewed = status in (TargetStatus.ACCEPTED, TargetStatus.RETURNED)
    state = ItemState.ACCEPTED if status == TargetStatus.ACCEPTED else ItemState.PENDING
    return AnnualTarget.objects.create(
        project=project,
        year=year,
        revision=revision,
        reason=REVISION_REASON if revised else "",
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
