import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Milestone
from keyworks.reporting import services
from keyworks.reporting.lights import GREEN, GREY, RED, YELLOW, project_lights
from keyworks.reporting.measures import default_month
from keyworks.reporting.models import MonthlyReport, ProjectPause, WarningRules
from keyworks.reporting.services import pause_project, resume_project

from .conftest import accepted, submitted

AUG = datetime.date(2025, 8, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE = "/reporting/measures/"


def august(world, amount, *, late=False):
    """world.own's accepted August report making the year-to-date `amount` (of 4000);
    world.other gets an on-time, on-target report so that it stays green."""
    report = accepted(world, month=AUG, completed_this_month=Decimal(amount))
    other = services.accept(
        submitted(world, world.other, AUG, completed_this_month=Decimal("2800")), by=world.office
    )
    MonthlyReport.objects.filter(pk=other.pk).update(is_late=False)
    if not late:  # submitted long after its due day in the test; pretend it was on time
        MonthlyReport.objects.filter(pk=report.pk).update(is_late=False)
    return report


def light(world, project=None, month=AUG):
    return project_lights(world.programme, month)[(project or world.own).pk]


def test_green_when_on_pace_and_reported_on_time(world):
    august(world, "2700")  # 67.5% against 66.7%
    result = light(world)
    assert result.color == GREEN
    assert result.reasons == [
        "完成率 67.5%，序时进度 66.7%（落后不足 10 个百分点）",
        "无逾期节点",
        "2025年8月月报按时提交",
    ]
    assert light(world, world.other).color == GREEN


def test_yellow_by_lag(world):
    august(world, "1680")
    result = light(world)
    assert result.color == YELLOW
    assert result.reasons == ["完成率 42.0% 落后序时进度 66.7% 达 24.7 个百分点（黄灯阈值 10–30）"]


def test_red_by_lag(world):
    august(world, "800")
    result = light(world)
    assert result.color == RED
    assert result.reasons == ["完成率 20.0% 落后序时进度 66.7% 达 46.7 个百分点（红灯阈值 >30）"]


def test_lag_at_exactly_ten_points_is_yellow_and_just_under_is_green(world):
    august(world, "2268")  # 56.7%: exactly 10.0 behind
    assert light(world).color == YELLOW
    MonthlyReport.objects.filter(project=world.own, month=AUG).update(
        completed_this_month=Decimal("2272")
    )  # 56.8%: 9.9 behind
    assert light(world).color == GREEN


def test_red_when_the_report_is_missing_after_the_due_day(world):
    accepted(world, month=datetime.date(2025, 7, 1), completed_this_month=Decimal("2700"))
    result = light(world)
    assert result.color == RED
    assert result.reasons == ["2025年8月月报截止 2025-09-03 后仍未提交（红灯：截止日后未报）"]


def test_a_draft_is_still_missing(world):
    accepted(world, month=datetime.date(2025, 7, 1), completed_this_month=Decimal("2700"))
    services.start_report(world.own, AUG, by=world.member)
    assert light(world).color == RED


def test_yellow_when_the_report_was_late(world):
    august(world, "2700", late=True)
    result = light(world)
    assert result.color == YELLOW
    assert result.reasons == ["2025年8月月报逾期提交（截止 2025-09-03）（黄灯：月报逾期）"]


def test_milestone_overdue_yellow_then_red_after_thirty_days(world):
    august(world, "2700")
    Milestone.objects.create(
        project=world.own, name="路面铺设", planned_date=datetime.date(2025, 8, 20)
    )
    result = light(world)
    assert result.color == YELLOW
    assert result.reasons == ["节点“路面铺设”计划 2025-08-20 完成，已逾期 11 天（黄灯：节点逾期）"]
    Milestone.objects.create(
        project=world.own, name="主体封顶", planned_date=datetime.date(2025, 7, 15)
    )
    result = light(world)
    assert result.color == RED
    assert result.reasons == [
        "节点“主体封顶”计划 2025-07-15 完成，已逾期 47 天（红灯阈值 >30 天）",
        "节点“路面铺设”计划 2025-08-20 完成，已逾期 11 天（黄灯：节点逾期）",
    ]


def test_a_milestone_done_in_time_is_not_overdue(world):
    august(world, "2700")
    Milestone.objects.create(
        project=world.own,
        name="主体封顶",
        planned_date=datetime.date(2025, 7, 15),
        actual_date=datetime.date(2025, 8, 30),  # done late, but done by the month's end
    )
    assert light(world).color == GREEN


def test_programme_rules_change_the_thresholds(world):
    august(world, "1680")  # 24.7 behind
    WarningRules.objects.create(
        programme=world.programme, yellow_lag_points=Decimal("5"), red_lag_points=Decimal("20")
    )
    result = light(world)
    assert result.color == RED
    assert result.reasons == ["完成率 42.0% 落后序时进度 66.7% 达 24.7 个百分点（红灯阈值 >20）"]


def test_paused_project_is_grey_and_explains_why(world):
    august(world, "800")
    pause = pause_project(
        world.own, by=world.office, reason="规划调整", review_date=datetime.date(2025, 10, 1)
    )
    ProjectPause.objects.filter(pk=pause.pk).update(
        started_at=datetime.datetime(2025, 8, 15, tzinfo=SHANGHAI)
    )
    result = light(world)
    assert result.color == GREY
    assert result.reasons == ["项目已暂停：规划调整（复核日期 2025-10-01），不参与预警与考核"]


def test_only_the_office_pauses_and_resumes_with_a_reason_and_it_is_audited(world):
    for user in (world.member, world.leader, world.district, world.outsider):
        with pytest.raises(PermissionDenied):
            pause_project(world.own, by=user, reason="停工")
    with pytest.raises(ValidationError):
        pause_project(world.own, by=world.office, reason="  ")
    pause = pause_project(world.own, by=world.office, reason="资金未到位")
    with pytest.raises(ValidationError):
        pause_project(world.own, by=world.office, reason="再次暂停")
    with pytest.raises(PermissionDenied):
        resume_project(world.own, by=world.member)
    record = ChangeRecord.objects.get(action="pause", project_id=world.own.pk)
    assert record.actor == world.office and record.reason == "资金未到位"
    resume_project(world.own, by=world.office, reason="资金到位")
    pause.refresh_from_db()
    assert pause.ended_at is not None and pause.ended_by == world.office
    record = ChangeRecord.objects.get(action="resume", project_id=world.own.pk)
    assert record.reason == "资金到位" and record.after["ended_by"] == world.office.pk
    with pytest.raises(ValidationError):
        resume_project(world.own, by=world.office)


# --- the page ----------------------------------------------------------------------


def test_page_needs_login_and_membership(world):
    assert world.client(None).get(PAGE).status_code == 302
    assert world.client(world.outsider).get(PAGE, {"month": "2025-08"}).status_code == 404
    assert world.client(world.office).get(PAGE, {"month": "2025-8x"}).status_code == 400


@pytest.mark.parametrize(
    "role",
    ["office", "leader", "inspector", "member", "other_member", "district", "department_user"],
)
def test_everyone_in_the_programme_sees_figures_and_lights(world, role):
    august(world, "1680")
    response = world.client(getattr(world, role)).get(PAGE, {"month": "2025-08"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "完成率 42.0% 落后序时进度 66.7% 达 24.7 个百分点（黄灯阈值 10–30）" in page
    assert f'data-project="{world.own.pk}" data-light="yellow"' in page
    assert f'data-project="{world.other.pk}" data-light="green"' in page
    assert 'data-figure="rate">56.0%' in page  # (1680 + 2800) / 8000
    assert 'data-group="十大工业"' in page and 'data-group="武陟县"' in page
    assert (">暂停</button>" in page) == (role == "office")


def test_office_pauses_and_resumes_from_the_page(world):
    url = f"/reporting/measures/project/{world.own.pk}/pause/"
    assert world.client(world.member).post(url, {"reason": "停工"}).status_code == 403
    assert world.client(world.outsider).post(url, {"reason": "停工"}).status_code == 404
    client = world.client(world.office)
    response = client.post(
        url, {"reason": "停工待料", "review_date": "2025-10-01", "month": "2025-08"}
    )
    assert response.status_code == 302 and "month=2025-08" in response["Location"]
    pause = ProjectPause.objects.get(project=world.own)
    assert pause.reason == "停工待料" and pause.review_date == datetime.date(2025, 10, 1)
    client.post(f"/reporting/measures/project/{world.own.pk}/resume/", {"reason": "复工"})
    pause.refresh_from_db()
    assert pause.ended_at is not None


def test_page_query_count_does_not_grow_with_projects(world, django_assert_max_num_queries):
    from .test_measures import add_projects

    client = world.client(world.leader)
    client.get(PAGE, {"month": "2025-08"})
    add_projects(world, 30, start=10)
    with django_assert_max_num_queries(20):
        response = client.get(PAGE, {"month": "2025-08"})
    assert response.content.decode().count("data-light=") == 32


# --- the battle map ----------------------------------------------------------------


def test_map_colours_projects_by_light(world):
    august(world, "800")
    data = json.loads(world.client(world.member).get("/dashboards/map/data.json").content)
    dim = next(d for d in data["dims"] if d["k"] == "light")
    assert dim["v"] == ["绿灯", "黄灯", "红灯", "暂停"]
    assert len(dim["c"]) == 4
    assert f"{default_month(world.programme):%Y-%m}" in dim["label"]
    assert dim["v"][data[dim["g"]][str(world.own.pk)]] == "红灯"
    assert set(data["g"]) == {str(world.own.pk), str(world.other.pk)}
