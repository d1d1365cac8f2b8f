from decimal import Decimal

import pytest

from keyworks.core.calendar import local_today, previous_month
from keyworks.reporting.models import MonthlyReport, ReportStatus

from .conftest import MAY, accepted, draft, submitted

LIST = "/reporting/"


def form_data(report, **extra):
    data = {
        "version": report.version,
        "completed_this_month": "150.00",
        "milestones_reached": "5月20日 主体封顶",
        "output_figures": "道路 1.2 公里",
        "progress_text": "路基完成",
        "next_plan_investment": "200.00",
        "next_plan_milestones": "6月底 路面铺设",
        "next_plan_content": "路面施工",
    }
    data.update(extra)
    return data


def test_list_shows_office_all_projects_with_status_and_late_flags(world):
    report = submitted(world)  # May 2025, long overdue → late
    response = world.client(world.office).get(LIST, {"month": "2025-05"})
    assert response.status_code == 200
    body = response.content.decode()
    assert world.own.name in body and world.other.name in body
    assert 'data-status="submitted"' in body
    assert 'data-late="1"' in body
    assert 'data-missing="1"' in body  # world.other did not report
    assert report.is_late


def test_list_without_a_month_shows_the_last_month_of_the_programme_year(world):
    # The world's programme is for 2025: after the year, the list opens on its December;
    # during the year, on last month.
    body = world.client(world.office).get(LIST).content.decode()
    today = local_today()
    expected = "2025-12" if today.year > 2025 else f"{previous_month(today):%Y-%m}"
    assert f'value="{expected}"' in body


def test_list_shows_task_force_only_its_own_project(world):
    response = world.client(world.member).get(LIST, {"month": "2025-05"})
    body = response.content.decode()
    assert world.own.name in body
    assert world.other.name not in body
    assert ">填报</button>" in body


def test_the_list_speaks_chinese_by_default_and_english_on_request(world):
    client = world.client(world.member)
    body = client.get(LIST, {"month": "2025-05"}).content.decode()
    assert "月度实施计划与上月完成情况" in body and "Monthly plans" not in body
    body = client.get(
        LIST, {"month": "2025-05"}, headers={"accept-language": "en"}
    ).content.decode()
    assert "Monthly plans and last month's completion" in body and ">Fill in</button>" in body
    assert "月度实施计划与上月完成情况" not in body


def test_an_api_error_follows_the_requested_language(world):
    client = world.client(world.office)
    answer = client.get("/api/reports", {"status": "nonsense"})
    assert answer.status_code == 422
    assert "未知的状态" in str(answer.json())
    answer = client.get("/api/reports", {"status": "nonsense"}, headers={"accept-language": "en"})
    assert "Unknown status: nonsense" in str(answer.json())


@pytest.mark.parametrize("username", ["department_user", "other_member"])
def test_list_hides_other_projects(world, username):
    body = world.client(getattr(world, username)).get(LIST, {"month": "2025-05"}).content.decode()
    assert world.own.name not in body


def test_task_force_fills_in_and_submits_through_the_form(world):
    client = world.client(world.member)
    response = client.post(f"/reporting/project/{world.own.pk}/2025-05/")
    report = MonthlyReport.objects.get(project=world.own, month=MAY)
    assert response["Location"] == f"/reporting/{report.pk}/edit/"
    response = client.post(f"/reporting/{report.pk}/edit/", form_data(report, action="submit"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.completed_this_month == Decimal("150.00")
    assert report.ytd_total == Decimal("150.00")


def test_negative_amount_in_form_is_shown_and_not_saved(world):
    report = draft(world)
    client = world.client(world.member)
    response = client.post(
        f"/reporting/{report.pk}/edit/", form_data(report, completed_this_month="-5")
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    report.refresh_from_db()
    assert report.completed_this_month == Decimal("100.00")


def test_stale_form_tells_the_second_editor(world):
    report = draft(world)
    client = world.client(world.member)
    stale = form_data(report)
    client.post(f"/reporting/{report.pk}/edit/", form_data(report, progress_text="第一人"))
    response = client.post(f"/reporting/{report.pk}/edit/", {**stale, "progress_text": "第二人"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.progress_text == "第一人"


def test_future_month_start_is_refused(world):
    response = world.client(world.member).post(f"/reporting/project/{world.own.pk}/2999-01/")
    assert response.status_code == 302
    assert not MonthlyReport.objects.exists()


def test_edit_page_of_accepted_report_is_forbidden(world):
    report = accepted(world)
    response = world.client(world.member).get(f"/reporting/{report.pk}/edit/")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("username", "status"),
    [("office", 200), ("member", 200), ("district", 200), ("other_member", 404),
     ("outsider", 404), ("department_user", 404)],
)  # fmt: skip
def test_detail_page_access(world, username, status):
    report = draft(world)
    response = world.client(getattr(world, username)).get(f"/reporting/{report.pk}/")
    assert response.status_code == status


def test_detail_shows_only_the_actions_the_user_may_take(world):
    report = submitted(world)
    district_page = world.client(world.district).get(f"/reporting/{report.pk}/").content.decode()
    office_page = world.client(world.office).get(f"/reporting/{report.pk}/").content.decode()
    assert 'id="review-report"' in district_page
    assert 'id="accept-report"' not in district_page
    assert 'id="accept-report"' not in office_page  # review comes first in 解放区
    assert 'id="return-report"' in office_page


def test_district_posting_review_on_other_district_report_gets_404(world):
    report = submitted(world, project=world.other)
    response = world.client(world.district).post(f"/reporting/{report.pk}/review/")
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_member_posting_accept_gets_403(world):
    report = submitted(world)
    response = world.client(world.member).post(f"/reporting/{report.pk}/accept/")
    assert response.status_code == 403


def test_correction_through_pages(world):
    report = accepted(world)
    world.client(world.member).post(
        f"/reporting/{report.pk}/request_correction/", {"reason": "金额填错"}
    )
    correction = report.corrections.get()
    page = world.client(world.office).get(f"/reporting/{report.pk}/").content.decode()
    assert "金额填错" in page
    world.client(world.office).post(f"/reporting/corrections/{correction.pk}/approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    history = world.client(world.member).get(f"/reporting/{report.pk}/").content.decode()
    assert "批准更正" in history and "采纳" in history


def test_list_query_count_does_not_grow_with_projects(world, django_assert_max_num_queries):
    from tests.conftest import make_project

    submitted(world)
    client = world.client(world.office)
    client.get(LIST, {"month": "2025-05"})  # warm the session
    # 12 for the page, 10 for its measures computed afresh (the tests' setting; pages
    # read stored figures in a couple of queries)
    with django_assert_max_num_queries(22) as small:
        client.get(LIST, {"month": "2025-05"})
    for seq in range(3, 13):
        make_project(
            world.programme, world.infra, seq, f"项目{seq}", world.district_b, f"专班{seq}"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST, {"month": "2025-05"})
    assert response.content.decode().count("data-project=") == 12


def test_leader_reads_the_list_but_cannot_fill_in(world):
    body = world.client(world.leader).get(LIST, {"month": "2025-05"}).content.decode()
    assert world.own.name in body
    assert ">填报</button>" not in body
    response = world.client(world.leader).post(f"/reporting/project/{world.own.pk}/2025-05/")
    assert response.status_code == 403


def test_nav_links_to_the_report_list(world):
    body = world.client(world.member).get("/ledger/").content.decode()
    assert 'href="/reporting/"' in body


def test_the_list_counts_missing_reports_as_the_measures_do(world):
    """A paused project's missing report is not 逾期未报 here either: same figure as the
    measures page, the dashboard and the API; the list names the paused projects."""
    import datetime

    from keyworks.core.calendar import SHANGHAI
    from keyworks.reporting.measures import MISSING, project_measures
    from keyworks.reporting.models import ProjectPause

    ProjectPause.objects.create(
        project=world.other,
        reason="征迁未完成",
        started_at=datetime.datetime(2025, 5, 10, tzinfo=SHANGHAI),
        by=world.office,
    )
    body = world.client(world.office).get(LIST, {"month": "2025-05"}).content.decode()
    measures = project_measures(world.programme, MAY)
    expected = sum(1 for m in measures.values() if m.report == MISSING and not m.paused)
    assert f'data-count="missing">{expected}<' in body
    assert expected == 1  # the own project; the paused other project is not counted
    assert 'data-count="paused">不含暂停项目1个' in body
    assert body.count('data-paused="1"') == 1


def test_the_list_shows_fifty_projects_a_page_and_counts_them_all(world):
    from tests.conftest import make_project

    for seq in range(3, 63):
        make_project(
            world.programme, world.infra, seq, f"项目{seq}", world.district_b, f"专班{seq}"
        )
    client = world.client(world.office)
    first = client.get(LIST, {"month": "2025-05"}).content.decode()
    second = client.get(LIST, {"month": "2025-05", "page": 2}).content.decode()
    assert first.count("data-project=") == 50 and second.count("data-project=") == 12
    assert 'data-count="submitted">0 / 62<' in first
    assert 'data-count="missing">62<' in first


def test_the_counts_cover_only_the_projects_the_user_sees(world):
    from tests.conftest import make_project

    for seq in range(3, 13):
        make_project(
            world.programme, world.infra, seq, f"项目{seq}", world.district_b, f"专班{seq}"
        )
    body = world.client(world.member).get(LIST, {"month": "2025-05"}).content.decode()
    assert body.count("data-project=") == 1
    assert 'data-count="submitted">0 / 1<' in body
    assert 'data-count="missing">1<' in body
