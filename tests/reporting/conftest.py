import datetime
from decimal import Decimal

import pytest

from keyworks.reporting import services

MAY = datetime.date(2025, 5, 1)


def draft(world, project=None, month=MAY, by=None, **data):
    project = project or world.own
    by = by or (world.member if project == world.own else world.other_member)
    report = services.start_report(project, month, by=by)
    values = {"completed_this_month": Decimal("100.00"), "progress_text": "主体施工"}
    values.update(data)
    return services.save_draft(report, values, by=by)


def submitted(world, project=None, month=MAY, **data):
    project = project or world.own
    report = draft(world, project, month, **data)
    by = world.member if project == world.own else world.other_member
    return services.submit(report, by=by)


def reviewed(world, month=MAY, **data):
    return services.review(submitted(world, month=month, **data), by=world.district, comment="属实")


def accepted(world, month=MAY, **data):
    return services.accept(reviewed(world, month=month, **data), by=world.office)


@pytest.fixture
def reports():
    from types import SimpleNamespace

    return SimpleNamespace(
        draft=draft, submitted=submitted, reviewed=reviewed, accepted=accepted, MAY=MAY
    )
