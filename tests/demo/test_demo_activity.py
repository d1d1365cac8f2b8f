"""The demo programme's activity (`keyworks.demo.activity`): a year of monthly reports,
paused projects and a problem list, loaded by `load_demo`."""

import datetime
from collections import Counter

import pytest
from django.db.models import Sum

from keyworks.audit.models import ChangeRecord
from keyworks.coordination.filters import ProblemFilter
from keyworks.coordination.models import (
    HANDLING_STATUSES,
    EscalationLevel,
    Problem,
    ProblemEvent,
    ProblemStatus,
)
from keyworks.coordination.services import local_today
from keyworks.core.calendar import next_month
from keyworks.demo.activity import load_demo_activity
from keyworks.demo.loader import load_demo
from keyworks.fieldwork.models import ProgressUpdate
from keyworks.meetings.models import AgendaItem
from keyworks.reporting.lights import GREEN, GREY, RED, YELLOW, count_lights, project_lights
from keyworks.reporting.measures import (
    LATE,
    MISSING,
    ON_TIME,
    default_month,
    project_measures,
    rollup,
)
from keyworks.reporting.models import MonthlyReport, ProjectPause, ReportStatus
from keyworks.reporting.services import SHANGHAI, compute_totals, due_at
from keyworks.tasks.models import Task

MONTHS = [datetime.date(2025, m, 1) for m in range(1, 13)]


@pytest.fixture
def demo(db):
    return load_demo().programme


def reports(programme):
    return MonthlyReport.objects.filter(project__programme=programme).select_related("project")


def test_most_projects_report_every_month_of_2025(demo):
    months = {}
    for project_id, month in reports(demo).values_list("project_id", "month"):
        months.setdefault(project_id, set()).add(month)
    complete = [pk for pk, got in months.items() if got == set(MONTHS)]
    assert len(complete) >= 24
    assert all(m.year == 2025 for got in months.values() for m in got)
    assert set(reports(demo).values_list("status", flat=True)) == {ReportStatus.ACCEPTED}


def test_some_reports_are_late_and_some_months_missing(demo):
    assert reports(demo).filter(is_late=True).values("project").distinct().count() >= 3
    paused = set(ProjectPause.objects.values_list("project_id", flat=True))
    counts = Counter(reports(demo).values_list("project_id", flat=True))
    gaps = [p for p in demo.projects.exclude(pk__in=paused) if 0 < counts[p.pk] < len(MONTHS)]
    assert len(gaps) >= 2


def test_flow_timestamps_and_lateness_are_consistent(demo):
    for report in reports(demo).select_related("project__programme"):
        due = due_at(demo, report.month)
        assert report.is_late == (report.submitted_at > due)
        submitted = report.submitted_at.astimezone(SHANGHAI).date()
        assert submitted >= next_month(report.month)
        assert report.submitted_by.username == f"tf{report.project.seq:02d}"
        assert report.decided_at > report.submitted_at and report.decided_by.username == "office"
        if report.reviewed_at is not None:
            assert report.submitted_at < report.reviewed_at < report.decided_at
        assert report.progress_text and report.next_plan_content


def test_stored_totals_match_the_reporting_services(demo):
    for report in reports(demo).order_by("project__seq", "month"):
        assert (report.ytd_total, report.since_start_total) == compute_totals(report)


def test_year_totals_track_each_projects_annual_investment(demo):
    paused = set(ProjectPause.objects.values_list("project_id", flat=True))
    for project in demo.projects.exclude(pk__in=paused).filter(annual_investment__gt=0):
        last = reports(demo).filter(project=project).order_by("-month").first()
        share = last.ytd_total / project.annual_investment
        assert 0.3 <= share <= 1.11, (project.name, share)


def test_the_ledger_holds_at_least_what_the_years_reports_add(demo):
    totals = dict(
        reports(demo)
        .values("project")
        .annotate(total=Sum("completed_this_month"))
        .values_list("project", "total")
    )
    for project in demo.projects.all():
        assert project.completed_investment >= totals.get(project.pk, 0), project.name


def test_lights_of_the_default_month_show_every_colour(demo):
    month = default_month(demo)
    assert month in MONTHS
    measures = project_measures(demo, month)
    counts = count_lights(project_lights(demo, month, measures=measures))
    assert counts[RED] >= 1 and counts[YELLOW] >= 1 and counts[GREY] >= 1
    assert counts[GREEN] > counts[RED] + counts[YELLOW]
    timeliness = Counter(m.report for m in measures.values() if not m.paused)
    assert timeliness[ON_TIME] and timeliness[LATE] and timeliness[MISSING]


def test_measures_roll_up(demo):
    month = default_month(demo)
    (total,) = rollup(project_measures(demo, month))
    assert total.projects == 28  # 30 less the two paused
    assert total.completion_rate is not None and 80 < total.completion_rate < 110
    assert len(rollup(project_measures(demo, month), "category")) == 3


def test_two_projects_are_paused_with_reason_and_review_date(demo):
    pauses = list(ProjectPause.objects.filter(project__programme=demo, ended_at__isnull=True))
    assert len(pauses) == 2
    assert any("重新办理用地手续" in p.reason for p in pauses)
    for pause in pauses:
        assert pause.review_date is not None and pause.by.username == "office"
        started = pause.started_at.astimezone(SHANGHAI).date().replace(day=1)
        assert not reports(demo).filter(project=pause.project, month__gte=started).exists()
        later = ProgressUpdate.objects.filter(
            project=pause.project, posted_at__gte=pause.started_at
        )
        assert not later.exists()  # a paused project reports no progress either


def test_problems_in_varied_states_with_their_history(demo):
    problems = list(Problem.objects.filter(project__programme=demo).prefetch_related("events"))
    assert len(problems) >= 12
    statuses = Counter(p.status for p in problems)
    assert len(statuses) >= 4
    assert statuses[ProblemStatus.CLOSED] >= 3
    for problem in problems:
        events = list(problem.events.all())
        assert events[0].kind == ProblemEvent.Kind.RAISE and events[0].at == problem.raised_at
        assert (events[-1].status, events[-1].level) == (problem.status, problem.level)
        if problem.status == ProblemStatus.CLOSED:
            assert problem.resolution_note and problem.closed_at >= problem.resolved_at
    assert any(p.level == EscalationLevel.DISPATCH for p in problems)
    today = local_today()
    assert any(p.status in HANDLING_STATUSES and p.deadline < today for p in problems)
    zhongfu = next(p for p in problems if p.project.name == "中福钛锆产业园")
    assert zhongfu.status == ProblemStatus.CLOSED and "1天出市报省" in zhongfu.resolution_note
    assert (zhongfu.closed_at - zhongfu.raised_at) < datetime.timedelta(days=3)


def test_the_list_as_of_an_early_date_has_fewer_open_problems(demo):
    now_open = ProblemFilter({}, programme=demo).qs.count()
    early_open = ProblemFilter({"as_of": "2025-03-31"}, programme=demo).qs.count()
    assert early_open < now_open
    closed_then = ProblemFilter({"as_of": "2025-12-31", "state": "closed"}, programme=demo).qs
    closed_now = ProblemFilter({"state": "closed"}, programme=demo).qs
    assert closed_then.count() < closed_now.count()


def test_loading_twice_duplicates_nothing(demo):
    counts = (
        MonthlyReport.objects.count(),
        ProjectPause.objects.count(),
        Problem.objects.count(),
        ProblemEvent.objects.count(),
        ChangeRecord.objects.count(),
    )
    assert not load_demo().created_anything
    assert not load_demo_activity(demo)
    assert counts == (
        MonthlyReport.objects.count(),
        ProjectPause.objects.count(),
        Problem.objects.count(),
        ProblemEvent.objects.count(),
        ChangeRecord.objects.count(),
    )
    (record,) = ChangeRecord.objects.filter(action="import")
    # (高新区's own programme files its reports too.)
    assert record.after["reports"] + record.after["district_reports"] == counts[0]
    assert record.after["problems"] == counts[2]


def test_activity_is_added_to_an_existing_demo_without_it(demo):
    # Meetings' agenda items and tasks point at problems (PROTECT): unlink them first.
    AgendaItem.objects.update(problem=None)
    Task.objects.update(problem=None)
    ProblemEvent.objects.all().delete()
    Problem.objects.all().delete()
    created = load_demo_activity(demo)
    assert created["problems"] >= 12 and "reports" not in created
    assert ChangeRecord.objects.filter(action="import").count() == 2
