"""Demo data for the demo programme: Factor guarantees (要素保障清单).

Illustrative figures for twelve demo projects; a few carry a shortfall, some past their
deadline. Each item has a history for the as-of list: entered on ENTERED with nothing
secured yet, then the present figures some days before its deadline (at the latest on
UPDATED). Seed data, written with the ORM (the demo loader's one import record covers it)."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db import transaction

from keyworks.core.calendar import SHANGHAI
from keyworks.orgs.models import User

from .models import DEFAULT_UNITS, FactorEvent, FactorItem

ENTERED = datetime.datetime(2025, 2, 10, 9, 0, tzinfo=SHANGHAI)
UPDATED = datetime.datetime(2025, 6, 30, 17, 0, tzinfo=SHANGHAI)

# (project seq, kind, demand, secured, unit or "", department suffix, deadline, note)
ITEMS = [
    (1, "land", "1200", "1200", "", "zrzy", "2025-03-31", "用地指标已全部落实"),
    (1, "energy", "85000", "60000", "", "fgw", "2025-09-30", "能耗指标待省级统筹"),
    (2, "land", "860", "620", "", "zrzy", "2025-05-31", "剩余240亩待土地征收完成"),
    (2, "environment", "45", "45", "", "sthj", "2025-04-30", "主要污染物排放总量已核定"),
    (3, "energy", "3200", "3200", "万千瓦时", "fgw", "2025-06-30", ""),
    (3, "labour", "600", "420", "", "zzb", "2025-08-31", "技术工人缺口，联系职业院校定向培养"),
    (4, "water", "120", "120", "", "sl", "2025-05-31", "取水许可已批复"),
    (4, "talent", "30", "12", "", "zzb", "2025-12-31", "高层次研发人才引进"),
    (5, "environment", "18", "10", "", "sthj", "2025-07-31", "VOCs排放指标差额待调剂"),
    (6, "funding", "20000", "20000", "", "fgw", "2025-06-30", "专项债资金已到位"),
    (7, "land", "350", "350", "", "zrzy", "2025-04-30", ""),
    (8, "funding", "15000", "9000", "", "fgw", "2025-10-31", "申报超长期特别国债"),
    (9, "land", "500", "500", "", "zrzy", "2025-03-31", ""),
    (10, "water", "80", "80", "", "sl", "2025-06-30", ""),
    (11, "funding", "50000", "32000", "", "fgw", "2026-06-30", "银团贷款审批中"),
    (12, "labour", "1500", "1500", "", "zjj", "2025-05-31", ""),
]


@transaction.atomic
def load_demo(programme) -> Counter:
    """Add this part of the demo while the programme has none of it; return what was made."""
    if FactorItem.objects.filter(project__programme=programme).exists():
        return Counter()
    projects = {p.seq: p for p in programme.projects.all()}
    # Each department's unit, through its demo account dept-<suffix> (the demo app, above
    # this one, created both).
    suffixes = {item[5] for item in ITEMS if item[5]}
    units = {
        user.username.removeprefix("dept-"): user.unit
        for user in User.objects.filter(
            username__in=[f"dept-{s}" for s in suffixes]
        ).select_related("unit")
    }
    items = []
    for seq, kind, demand, secured, unit, dept, deadline, note in ITEMS:
        project = projects.get(seq)
        if project is None:
            continue
        items.append(
            FactorItem(
                project=project,
                kind=kind,
                demand=Decimal(demand),
                secured=Decimal(secured),
                unit=unit or DEFAULT_UNITS[kind],
                responsible_unit=units.get(dept),
                deadline=datetime.date.fromisoformat(deadline),
                note=note,
            )
        )
    FactorItem.objects.bulk_create(items)
    FactorItem.objects.filter(pk__in=[i.pk for i in items]).update(created_at=ENTERED)
    events = FactorEvent.objects.bulk_create(e for i in items for e in history(i))
    return Counter({"factor_items": len(items), "factor_events": len(events)})


def history(item: FactorItem) -> list[FactorEvent]:
    """Entered with nothing secured, then the present figures."""
    zero = Decimal("0")
    entered = FactorEvent(
        item=item, at=ENTERED, demand=item.demand, secured=zero, deadline=item.deadline
    )
    if item.secured == zero:
        entered.note = item.note
        return [entered]
    before_deadline = datetime.datetime.combine(
        item.deadline - datetime.timedelta(days=10), datetime.time(17), tzinfo=SHANGHAI
    )
    changed = FactorEvent(
        item=item,
        at=min(before_deadline, UPDATED),
        demand=item.demand,
        secured=item.secured,
        deadline=item.deadline,
        note=item.note,
    )
    return [entered, changed]
