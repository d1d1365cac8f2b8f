"""A small hand-made world for the rankings, with figures checked by hand.

Period Nov–Dec 2025 (序时进度 at December = 100.0%), previous period Sep–Oct 2025.

- own (牧野路专班, 解放区, 十大工业): investment 2400/4000 = 60.0% → 24.00; milestones
  1/2 → 10.00; problems 1/2 → 10.00; reports 2/2 → 10.00.
- other (沿黄高速专班, 武陟县, 十大基础设施): investment 4400/4000 → capped 40.00;
  milestones none → 20.00; problems 0/1 → 0.00; reports 0/2 → 0.00.
- third (污水厂专班, 武陟县, 十大基础设施): investment 600/2000 = 30.0% → 12.00;
  milestones none → 20.00; problems none → 20.00; reports 0/2 → 0.00; verification: a
  December visit confirmed 540 of the 600 reported → 90.0% → 9.00.

Verification of own and other: no visit → 10.00. Totals: own 64.00, other 70.00, third 61.00.
District 武陟县 (other + third): 5000/6000 = 83.3% → 33.32; milestones 20; problems 0/1 → 0;
reports 0/4 → 0; verification 540/600 → 9.00 → 62.32. 解放区 = own = 64.00.

Sep–Oct (live): nothing accepted before November (investment 0.00 each); own has an
on-time milestone in October (20) and an on-time October report (1/2 → 5.00): 55.00;
other and third: 0 + 20 + 20 + 0 + 10 = 50.00.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from keyworks.coordination.models import Problem, ProblemStatus
from keyworks.fieldwork.models import Visit, VisitStatus
from keyworks.ledger.models import Milestone
from keyworks.rankings.periods import Period
from keyworks.reporting.models import MonthlyReport, ProjectPause, ReportStatus
from tests.conftest import make_project

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV_DEC = Period(2025, 6)
SEP_OCT = Period(2025, 5)


def at(month, day, hour=10):
    return datetime.datetime(2025, month, day, hour, tzinfo=SHANGHAI)


def report(project, month, amount, *, late=False, submitted=True):
    return MonthlyReport.objects.create(
        project=project,
        month=datetime.date(2025, month, 1),
        status=ReportStatus.ACCEPTED,
        completed_this_month=Decimal(amount),
        submitted_at=at(month, 28) if submitted else None,
        is_late=late,
    )


def problem(project, by, deadline, *, closed=None, status=ProblemStatus.ASSIGNED):
    return Problem.objects.create(
        project=project,
        category="land",
        description="用地指标未落实",
        deadline=deadline,
        status=ProblemStatus.CLOSED if closed else status,
        raised_by=by,
        raised_at=at(10, 1),
        resolved_at=closed,
        closed_at=closed,
        resolution_note="已解决" if closed else "",
    )


def pause(project, by, started):
    return ProjectPause.objects.create(
        project=project, reason="资金未到位", started_at=started, by=by
    )


@pytest.fixture
def ranked(world):
    """The world above; returns `world` with `third` added."""
    third = make_project(
        world.programme, world.infra, 3, "焦作新区污水处理厂", world.district_b, "污水厂专班"
    )
    third.annual_investment = Decimal("2000.00")
    third.save()
    world.third = third
    # Reports. own: Oct on time (0), Nov on time 2000, Dec on time 400.
    report(world.own, 10, "0")
    report(world.own, 11, "2000")
    report(world.own, 12, "400")
    # other: Nov never submitted, Dec late 4400. third: Dec late 600, Nov never submitted.
    report(world.other, 12, "4400", late=True)
    report(third, 12, "600", late=True)
    # Milestones of own: October (before the period), November on time, December late.
    d = datetime.date
    Milestone.objects.bulk_create(
        [
            Milestone(
                project=world.own,
                name="基础完工",
                planned_date=d(2025, 10, 1),
                actual_date=d(2025, 9, 30),
            ),
            Milestone(
                project=world.own,
                name="主体封顶",
                planned_date=d(2025, 11, 10),
                actual_date=d(2025, 11, 5),
            ),
            Milestone(
                project=world.own,
                name="设备安装",
                planned_date=d(2025, 12, 20),
                actual_date=d(2025, 12, 25),
            ),
        ]
    )
    # Problems. own: closed on time; still open past its deadline; one voided (ignored).
    problem(world.own, world.member, d(2025, 11, 15), closed=at(11, 10))
    problem(world.own, world.member, d(2025, 12, 1))
    problem(world.own, world.member, d(2025, 12, 5), status=ProblemStatus.VOIDED)
    # other: closed after its deadline; one due in January (outside the period).
    problem(world.other, world.other_member, d(2025, 12, 10), closed=at(12, 20))
    problem(world.other, world.other_member, d(2026, 1, 10))
    # An on-site visit of third for December: 540 confirmed of the 600 reported.
    Visit.objects.create(
        project=third,
        month=d(2025, 12, 1),
        visit_date=d(2026, 1, 8),
        people="赵督导",
        verified_investment=Decimal("540.00"),
        reported_investment=Decimal("600.00"),
        gap_percent=Decimal("-10.0"),
        threshold_percent=Decimal("10.0"),
        status=VisitStatus.DISPUTED,
        recorded_by=world.inspector,
    )
    return world
