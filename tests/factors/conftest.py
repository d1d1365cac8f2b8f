import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from keyworks.core.calendar import local_today
from keyworks.factors import services


def item(world, project=None, by=None, **data):
    """A factor item on world.own (entered by its task force), the department responsible."""
    project = project or world.own
    values = {
        "kind": "land",
        "demand": Decimal("100"),
        "secured": Decimal("60"),
        "responsible_unit": world.department,
        "deadline": local_today() + datetime.timedelta(days=30),
    }
    values.update(data)
    return services.create_item(project, values, by=by or world.office)


@pytest.fixture
def items(world):
    today = local_today()
    return {
        "short": item(world),
        "overdue": item(
            world,
            kind="energy",
            demand=Decimal("500"),
            secured=Decimal("100"),
            deadline=today - datetime.timedelta(days=1),
        ),
        "done": item(world, kind="water", demand=Decimal("20"), secured=Decimal("20")),
        "other": item(
            world,
            project=world.other,
            kind="funding",
            demand=Decimal("3000"),
            secured=Decimal("1000"),
            responsible_unit=None,
        ),
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread: back to the default."""
    yield
    translation.activate("zh-hans")
