"""The month's summary (月报汇总表): page, figures and the Excel export."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from keyworks.ledger.models import Project, TaskForce
from keyworks.reporting.summary import month_summary

from .test_measures import AUG, at, day, figures, paused_at  # noqa: F401 (fixture)

JULY = day(7, 1)


def test_july_groups_subtotals_and_total(world, figures):  # noqa: F811
    summary = month_summary(world.programme, JULY, user=world.office)
    assert [g.label for g in summary.groups] == ["十大工业", "十大基础设施"]
    industry, infra = summary.groups
    own = industry.rows[0]
    assert own.month_completed == Decimal("680.00")
    assert own.m.ytd_completed == Decimal("1680.00")
    assert own.report_status == "已采纳"
    assert industry.month_completed == Decimal("680.00")
    assert [r.m.project_id for r in infra.rows] == [world.other.pk, figures.pk]
    assert infra.rows[1].month_completed is None and infra.rows[1].report_status == "未填报"
    assert infra.month_completed == Decimal("1000.00")
    assert infra.totals.ytd_completed == Decimal("1000.00")
    assert summary.month_completed == Decimal("1680.00")
    assert summary.total.annual_target == Decimal("10000.00")
    assert summary.total.ytd_completed == Decimal("2680.00")
    assert summary.total.completion_rate == Decimal("26.8")


def test_a_report_not_yet_accepted_is_not_counted(world, figures):  # noqa: F811
    summary = month_summary(world.programme, AUG, user=world.office)
    own = summary.groups[0].rows[0]
    assert own.report_status == "已提交"
    assert own.month_completed is None
    assert summary.groups[0].month_completed == Decimal("0")


def test_paused_project_is_listed_but_not_summed(world, figures):  # noqa: F811
    paused_at(world, figures, at(8, 10))
    summary = month_summary(world.programme, AUG, user=world.office)
    infra = summary.groups[1]
    assert figures.pk in [r.m.project_id for r in infra.rows]
    assert infra.rows[1].light.color == "grey"
    assert infra.totals.projects == 1
    assert summary.total.annual_target == Decimal("8000.00")


def test_export_is_a_real_workbook_in_the_office_layout(world, figures):  # noqa: F811
    response = world.client(world.leader).get(
        reverse("reporting:summary_export"), {"month": "2025-07"}
    )
    assert response.status_code == 200
    assert quote("月报汇总-jz2025-202507.xlsx") in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value == "焦作市2025年三十工程2025年7月推进情况汇总表"
    assert ws["A3"].value == "序号" and ws["F3"].value == "当月完成（万元）"
    assert ws["H3"].value == "开工累计完成（万元）"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    labels = [r[0] for r in rows]
    assert labels == [1, "小计", 2, 3, "小计", "合计"]
    assert rows[0][1] == "牧野路改造工程" and rows[0][5] == 680 and rows[0][6] == 1680
    # 开工累计: the ledger's 2,500 before the first report + June 1,000 + July 680
    assert rows[0][7] == 4180
    assert rows[3][5] is None and rows[3][7] is None and rows[3][12] == "未填报"
    total = rows[-1]
    assert total[1] == "共3个项目"
    assert (total[4], total[5], total[6], total[7], float(total[8])) == (
        10000, 1680, 2680, None, 26.8
    )  # fmt: skip
    assert ws.freeze_panes == "C4"
    assert ws.page_setup.orientation == "landscape"


def test_the_export_follows_the_language(world, figures):  # noqa: F811
    response = world.client(world.leader).get(
        reverse("reporting:summary_export"),
        {"month": "2025-07"},
        headers={"accept-language": "en"},
    )
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value == "焦作市2025年三十工程 progress summary, 2025-7"
    assert ws["A3"].value == "No." and ws["F3"].value == "This month (10,000 yuan)"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [1, "Subtotal", 2, 3, "Subtotal", "Total"]
    assert rows[3][12] == "Not started" and rows[-1][1] == "3 projects in all"


def test_page_shows_the_figures(world, figures):  # noqa: F811
    response = world.client(world.office).get(reverse("reporting:summary"), {"month": "2025-07"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年7月推进情况汇总表" in html
    assert 'id="summary-total"' in html and "2,680.00" in html
    assert f'data-project="{figures.pk}"' in html


@pytest.mark.parametrize(
    "who", ["office", "leader", "inspector", "member", "other_member", "district"]
)
def test_every_programme_member_reads_and_exports(world, who):
    client = world.client(getattr(world, who))
    assert client.get(reverse("reporting:summary")).status_code == 200
    assert client.get(reverse("reporting:summary_export")).status_code == 200


@pytest.mark.parametrize("name", ["reporting:summary", "reporting:summary_export"])
def test_outsider_gets_404_and_anonymous_the_login(world, name):
    assert world.client(world.outsider).get(reverse(name)).status_code == 404
    response = world.client(None).get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bad_month_is_a_clear_400_naming_the_field(world):
    response = world.client(world.office).get(reverse("reporting:summary"), {"month": "2025-13"})
    assert response.status_code == 400
    assert "month" in response.content.decode() and "YYYY-MM" in response.content.decode()


def test_query_count_does_not_grow_with_projects(world, figures):  # noqa: F811
    client = world.client(world.office)
    url = reverse("reporting:summary")
    client.get(url, {"month": "2025-07"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"month": "2025-07"})
    for i in range(15):
        project = Project.objects.create(
            programme=world.programme, category=world.industry, seq=20 + i, name=f"项目{i}",
            total_investment=Decimal(100), annual_investment=Decimal(50),
            task_force=TaskForce.objects.create(name=f"专班{i}"),
        )  # fmt: skip
        project.districts.set([world.district_a])
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"month": "2025-07"})
    assert len(many) == len(few)


def test_month_defaults_to_the_last_finished_month_in_the_programme_year(world):
    summary = month_summary(world.programme, datetime.date(2025, 12, 15), user=world.office)
    assert summary.month == datetime.date(2025, 12, 1)
