import datetime
from types import SimpleNamespace

import pytest

from keyworks.reporting import services as report_services

from ..coordination.conftest import raised, resolved
from ..reporting.conftest import draft, submitted


def kinds(items) -> list[str]:
    return [r.kind for r in items]


def of_kind(items, kind: str) -> list:
    return [r for r in items if r.kind == kind]


def returned(world, project=None, month=None):
    report = submitted(world, project, month or datetime.date(2025, 5, 1))
    if project is None or project == world.own:
        report = report_services.review(report, by=world.district)
    return report_services.return_report(report, by=world.office, comment="数据有误，请核实")


@pytest.fixture
def make():
    return SimpleNamespace(
        draft=draft,
        submitted=submitted,
        returned=returned,
        raised=raised,
        resolved=resolved,
    )
