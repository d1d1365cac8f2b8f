import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.ledger.models import Milestone, Project, TaskForce
from keyworks.reporting import services
from keyworks.reporting.lights import project_lights
from keyworks.reporting.measures import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    elapsed_share,
    milestone_counts,
    project_measures,
    rollup,
)
from keyworks.reporting.models import MonthlyReport, ProjectPause
from keyworks.reporting.services import pause_project
from tests.conftest import make_project

from .conftest import accepted, submitted

AUG = datetime.date(2025, 8, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def day(month, d):
    return datetime.date(2025, month, d)


def accept_other(world, month, amount, project=None):
    report = submitted(world, project or world.other, month, completed_this_month=Decimal(amount))
    return services.accept(report, by=world.office)  # 武陟县 has no coordinator


def on_time(report):
    """The reports in these tests are submitted long after their due day; mark one as if
    it had been submitted in time."""
    MonthlyReport.objects.filter(pk=report.pk).update(is_late=False)


@pytest.fixture
def figures(world):
    """Hand-checked figures for August 2025 (序时进度 8/12 = 66.7%)."""
    third = make_project(
        world.programme,
        world.infra,
        3,
        "焦作新区污水处理厂",
        world.district_b,
        "污水厂专班",
        planned_start=day(4, 1),
        actual_start=day(9, 10),  # started after August: not counted in August
    )
    Project.objects.filter(pk=third.pk).update(annual_investment=Decimal("2000.00"))
    Project.objects.filter(pk=world.own.pk).update(planned_start=day(3, 1), actual_start=day(3, 15))
    Project.objects.filter(pk=world.other.pk).update(planned_start=day(5, 1))
    # own: accepted Jun 1000 + Jul 680 = 1680 of 4000 = 42.0%; Aug only submitted (late)
    accepted(world, month=day(6, 1), completed_this_month=Decimal("1000"))
    accepted(world, month=day(7, 1), completed_this_month=Decimal("680"))
    submitted(world, month=AUG, completed_this_month=Decimal("500"))
    # other: accepted Jul 1000 of 4000 = 25.0%; Aug submitted in time; a 2024 report
    accept_other(world, datetime.date(2024, 12, 1), "900")
    accept_other(world, day(7, 1), "1000")
    on_time(submitted(world, world.other, AUG, completed_this_month=Decimal("10")))
    Milestone.objects.bulk_create(
        [
            Milestone(
                project=world.own, name="主体封顶", planned_date=day(3, 31), actual_date=day(3, 20)
            ),
            Milestone(
                project=world.own, name="设备安装", planned_date=day(6, 30), actual_date=day(7, 15)
            ),
            Milestone(project=world.own, name="竣工验收", planned_date=day(12, 31)),
            Milestone(project=world.other, name="征地完成", planned_date=day(8, 20)),
        ]
    )
    return third


def test_elapsed_share_is_months_over_twelve():
    assert elapsed_share(AUG) == Decimal("66.7")
    assert elapsed_share(datetime.date(2025, 12, 1)) == Decimal("100.0")
    assert elapsed_share(datetime.date(2025, 1, 1)) == Decimal("8.3")


def test_project_measures_on_hand_checked_numbers(world, figures):
    measures = project_measures(world.programme, AUG)
    assert list(measures) == [world.own.pk, world.other.pk, figures.pk]
    own = measures[world.own.pk]
    assert own.ytd_completed == Decimal("1680.00")  # the submitted August 500 is not counted
    assert own.annual_target == Decimal("4000.00")
    assert own.completion_rate == Decimal("42.0")
    assert own.elapsed == Decimal("66.7")
    assert own.gap == Decimal("-24.7")
    assert (own.milestones_due, own.milestones_on_time, own.milestone_rate) == (
        2,
        1,
        Decimal("50.0"),
    )
    assert own.overdue_milestones == []
    assert own.is_new and own.started
    assert own.report == LATE
    other = measures[world.other.pk]
    assert other.ytd_completed == Decimal("1000.00")  # 2024 is another year
    assert other.completion_rate == Decimal("25.0")
    assert other.report == ON_TIME
    assert other.is_new and not other.started
    assert [(m.name, m.days) for m in other.overdue_milestones] == [("征地完成", 11)]
    third = measures[figures.pk]
    assert third.completion_rate == Decimal("0.0")
    assert third.report == MISSING
    assert third.is_new and not third.started


def test_milestone_counts_alone_are_those_of_the_measures(world, figures):
    for month in (datetime.date(2025, 3, 1), AUG, datetime.date(2025, 12, 1)):
        measures = project_measures(world.programme, month)
        counts = milestone_counts(world.programme, month)
        assert {pk: counts.get(pk, (0, 0)) for pk in measures} == {
            pk: (m.milestones_due, m.milestones_on_time) for pk, m in measures.items()
        }
    assert milestone_counts(world.programme, AUG)[world.own.pk] == (2, 1)


def test_only_accepted_reports_count(world, figures):
    report = MonthlyReport.objects.get(project=world.own, month=AUG)
    services.review(report, by=world.district)
    assert project_measures(world.programme, AUG)[world.own.pk].ytd_completed == Decimal("1680")
    services.accept(report, by=world.office)
    measures = project_measures(world.programme, AUG)
    assert measures[world.own.pk].ytd_completed == Decimal("2180.00")
    assert measures[world.own.pk].completion_rate == Decimal("54.5")
    # July's view is unchanged by August's report
    july = project_measures(world.programme, day(7, 1))[world.own.pk]
    assert july.ytd_completed == Decimal("1680.00")
    assert july.elapsed == Decimal("58.3")
    assert july.milestones_due == 2 and not july.overdue_milestones


def test_report_before_its_due_day_is_pending(world, figures):
    before_due = datetime.datetime(2025, 9, 2, 12, tzinfo=SHANGHAI)
    measures = project_measures(world.programme, AUG, now=before_due)
    assert measures[figures.pk].report == PENDING
    after_due = datetime.datetime(2025, 9, 4, 0, 30, tzinfo=SHANGHAI)
    assert project_measures(world.programme, AUG, now=after_due)[figures.pk].report == MISSING


def test_rollups_by_programme_category_district_and_task_force(world, figures):
    measures = project_measures(world.programme, AUG)
    (total,) = rollup(measures, "programme")
    assert total.projects == 3
    assert total.ytd_completed == Decimal("2680.00")
    assert total.annual_target == Decimal("10000.00")
    assert total.completion_rate == Decimal("26.8")
    assert total.gap == Decimal("-39.9")
    assert (total.new_projects, total.started, total.start_rate) == (3, 1, Decimal("33.3"))
    assert (total.milestones_due, total.milestones_on_time) == (3, 1)  # 征地完成 is due
    assert total.milestone_rate == Decimal("33.3")
    assert total.reports == {ON_TIME: 1, LATE: 1, MISSING: 1, PENDING: 0}
    assert total.report_rate == Decimal("33.3")
    by_category = rollup(measures, "category")
    assert [(g.label, g.projects, g.completion_rate) for g in by_category] == [
        ("十大工业", 1, Decimal("42.0")),
        ("十大基础设施", 2, Decimal("16.7")),  # 1000 / 6000
    ]
    by_district = rollup(measures, "district")
    assert [(g.label, g.projects, g.completion_rate) for g in by_district] == [
        ("解放区", 1, Decimal("42.0")),
        ("武陟县", 2, Decimal("16.7")),
    ]
    by_task_force = rollup(measures, "task_force")
    assert [g.label for g in by_task_force] == ["牧野路专班", "沿黄高速专班", "污水厂专班"]
    with pytest.raises(ValueError):
        rollup(measures, "colour")


def paused_at(world, project, started, ended=None):
    pause = pause_project(project, by=world.office, reason="规划调整，暂缓实施")
    ProjectPause.objects.filter(pk=pause.pk).update(started_at=started, ended_at=ended)
    return pause


def at(month, d):
    return datetime.datetime(2025, month, d, 10, tzinfo=SHANGHAI)


def test_paused_project_is_left_out_of_rollups(world, figures):
    paused_at(world, figures, at(8, 10))
    measures = project_measures(world.programme, AUG)
    assert measures[figures.pk].paused
    (total,) = rollup(measures, "programme")
    assert total.projects == 2
    assert total.completion_rate == Decimal("33.5")  # 2680 / 8000
    assert [g.projects for g in rollup(measures, "district")] == [1, 1]


def test_pause_counts_for_the_month_it_overlaps_and_the_month_before(world, figures):
    paused_at(world, figures, at(9, 2))  # while August is being reported on
    assert project_measures(world.programme, AUG)[figures.pk].paused
    assert not project_measures(world.programme, day(7, 1))[figures.pk].paused
    ProjectPause.objects.filter(project=figures).update(ended_at=at(9, 20))
    assert not project_measures(world.programme, day(10, 1))[figures.pk].paused
    assert project_measures(world.programme, day(9, 1))[figures.pk].paused


def test_archived_projects_are_not_measured(world, figures):
    Project.objects.filter(pk=figures.pk).update(archived_at=datetime.datetime.now(SHANGHAI))
    assert figures.pk not in project_measures(world.programme, AUG)


def add_projects(world, count, start):
    task_forces = TaskForce.objects.bulk_create(
        [TaskForce(name=f"专班{i}") for i in range(start, start + count)]
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                programme=world.programme,
                category=world.infra,
                seq=i,
                name=f"测试项目{i}",
                total_investment=Decimal("1000"),
                annual_investment=Decimal("500"),
                planned_start=day(2, 1),
                task_force=tf,
            )
            for i, tf in zip(range(start, start + count), task_forces, strict=True)
        ]
    )
    through = Project.districts.through
    through.objects.bulk_create(
        [through(project_id=p.pk, region_id=world.district_b.pk) for p in projects]
    )
    Milestone.objects.bulk_create(
        [Milestone(project=p, name="节点", planned_date=day(5, 1)) for p in projects]
    )
    MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(project=p, month=AUG, status="accepted", completed_this_month=10)
            for p in projects
        ]
    )
    ProjectPause.objects.create(
        project=projects[0],
        reason="暂缓",
        started_at=datetime.datetime(2025, 1, 1, tzinfo=SHANGHAI),
        by=world.office,
    )


def count_queries(world):
    with CaptureQueriesContext(connection) as ctx:
        measures = project_measures(world.programme, AUG)
        lights = project_lights(world.programme, AUG, measures=measures)
        rollup(measures, "district")
    return len(ctx.captured_queries), len(lights)


def test_query_count_is_constant_as_projects_grow(world, figures):
    few, n = count_queries(world)
    assert n == 3
    add_projects(world, 40, start=10)
    many, n = count_queries(world)
    assert n == 43
    assert many == few
    assert few <= 11  # 10 for the measures computed afresh (visits, targets), 1 for the rules
