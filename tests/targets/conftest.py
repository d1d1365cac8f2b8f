import datetime
from decimal import Decimal

from keyworks.targets import services
from keyworks.targets.services import ACCEPT, RETURN

YEAR = 2025


def content(investment="4000.00", **extra) -> dict:
    data = {
        "investment": Decimal(investment),
        "milestones": [
            {"name": "主体封顶", "planned_date": datetime.date(YEAR, 6, 30)},
            {"name": "建成投产", "planned_date": datetime.date(YEAR, 12, 31)},
        ],
        "indicators": [{"name": "道路建成", "unit": "米", "value": Decimal("6168.10")}],
    }
    data.update(extra)
    return data


def member_of(world, project):
    return world.member if project == world.own else world.other_member


def drafted(world, project=None, **extra):
    project = project or world.own
    return services.create_target(project, YEAR, content(**extra), by=member_of(world, project))


def submitted(world, project=None, **extra):
    project = project or world.own
    target = drafted(world, project, **extra)
    return services.submit_target(target, by=member_of(world, project))


def decisions(target, default=ACCEPT, **overrides) -> dict:
    """A decision for every pending item: `default` unless named in `overrides`
    (key → (decision, comment)); item keys by name: item_<name>."""
    result = {}
    for key in services.pending_keys(target):
        result[key] = (default, "" if default == ACCEPT else "请修改")
    names = {f"item-{i.pk}": i.name for i in target.items.all()}
    for key, value in overrides.items():
        if key == "investment":
            result["investment"] = value
        else:
            match = next(k for k, n in names.items() if n == key)
            result[match] = value
    return result


def accepted(world, project=None, **extra):
    target = submitted(world, project, **extra)
    return services.review_target(target, decisions(target), by=world.office)


def returned(world, project=None, **extra):
    target = submitted(world, project, **extra)
    return services.review_target(
        target, decisions(target, 建成投产=(RETURN, "日期偏晚，请提前")), by=world.office
    )
