"""开工累计 (reporting.since_start): the ledger's 累计完成投资 before the project's first
stored report plus the accepted reports after it — one definition on the report form and
page, the API, the month summary and its export, and the ledger; a month's figure is
fixed when its report is accepted and stays as it was."""

import datetime
import importlib
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from openpyxl import load_workbook

from keyworks.audit.models import ChangeRecord
from keyworks.demo.loader import load_demo
from keyworks.demo.synth import build_synth
from keyworks.ledger import services as ledger_services
from keyworks.ledger.models import Project
from keyworks.reporting import services, since_start
from keyworks.reporting.models import MonthlyReport, ReportStatus
from keyworks.reporting.registry import PROJECT_FIGURES, SINCE_START
from tests.api.conftest import Api

from .conftest import accepted, draft, reviewed, submitted

JAN, FEB, MAR = (datetime.date(2025, m, 1) for m in (1, 2, 3))
BEFORE = Decimal("2500.00")  # world.own's 累计完成投资 in the ledger before any report


def ledger(project) -> Project:
    return Project.objects.get(pk=project.pk)


def page_figure(world, report) -> str:
    html = world.client(world.office).get(reverse("reporting:report_detail", args=[report.pk]))
    return re.search(r'id="since-start-total">([^<]*)<', html.content.decode())[1]


def api_figure(world, report) -> str:
    api = Api(world.office)
    one = api.get(f"/api/reports/{report.pk}").json()["since_start_total"]
    listed = api.get("/api/reports", {"project": report.project_id}).json()["items"]
    assert [i["since_start_total"] for i in listed if i["id"] == report.pk] == [one]
    return one


def export_rows(world, month) -> dict[str, tuple]:
    response = world.client(world.office).get(
        reverse("reporting:summary_export"), {"month": f"{month:%Y-%m}"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["H3"].value == "开工累计完成（万元）"
    return {r[1]: r for r in sheet.iter_rows(min_row=4, values_only=True)}


# --- the regression: the ledger before the first report counts -----------------------------


def test_since_start_adds_the_ledger_before_the_first_report_on_every_surface(world):
    accepted(world, month=JAN, completed_this_month=Decimal("100"))
    feb = accepted(world, month=FEB, completed_this_month=Decimal("200"))
    expected = BEFORE + Decimal("300")  # not 300: the project did not start with keyworks
    assert feb.since_start_total == expected
    assert page_figure(world, feb) == "2,800.00"
    assert api_figure(world, feb) == "2800.00"
    assert export_rows(world, FEB)[world.own.name][7] == 2800
    summary = world.client(world.office).get(reverse("reporting:summary"), {"month": "2025-02"})
    assert "2,800.00" in summary.content.decode()
    # the ledger's 累计完成投资 is today's 开工累计, on its page and in its API
    assert ledger(world.own).completed_investment == expected
    assert ledger(world.own).completed_before_reports == BEFORE
    project_page = world.client(world.office).get(
        reverse("ledger:project_detail", args=[world.own.pk])
    )
    assert re.search(r'id="completed-investment">2,800.00<', project_page.content.decode())
    assert "首份月报前 2,500.00 + 已采纳月报 300.00" in project_page.content.decode()
    project = Api(world.office).get(f"/api/projects/{world.own.pk}").json()
    assert (project["completed_investment"], project["completed_before_reports"]) == (
        "2800.00",
        "2500.00",
    )
    assert since_start.since_start(world.own.pk, FEB) == expected
    assert since_start.disagreements([world.own.pk, world.other.pk]) == {}


def test_the_form_and_a_draft_show_the_figure_it_will_read(world):
    accepted(world, month=JAN, completed_this_month=Decimal("100"))
    feb = draft(world, month=FEB, completed_this_month=Decimal("40.50"))
    response = world.client(world.member).get(reverse("reporting:report_edit", args=[feb.pk]))
    html = response.content.decode()
    assert "首份月报前 2,500.00 + 此前已采纳月报 100.00 + 当月完成投资 40.50" in html
    assert re.search(r'id="since-start-total">2,640.50<', html)
    assert page_figure(world, feb) == "2,640.50"
    assert api_figure(world, feb) == "2640.50"
    assert MonthlyReport.objects.get(pk=feb.pk).since_start_total is None  # not stored yet


def test_one_definition_one_label():
    assert SINCE_START in PROJECT_FIGURES
    assert str(SINCE_START.label) == "开工累计完成投资" and str(SINCE_START.unit) == "万元"
    assert "首份月报之前" in str(SINCE_START.definition)


# --- history stays as it was ------------------------------------------------------------


def test_a_later_acceptance_leaves_earlier_months_as_they_were(world):
    jan = accepted(world, month=JAN, completed_this_month=Decimal("100"))
    feb = accepted(world, month=FEB, completed_this_month=Decimal("200"))
    before = {r.pk: (r.since_start_total, r.version) for r in (jan, feb)}
    mar = accepted(world, month=MAR, completed_this_month=Decimal("300"))
    assert mar.since_start_total == BEFORE + Decimal("600")
    for report in (jan, feb):
        report.refresh_from_db()
        assert (report.since_start_total, report.version) == before[report.pk]
    assert page_figure(world, jan) == "2,600.00" and api_figure(world, feb) == "2800.00"
    assert export_rows(world, JAN)[world.own.name][7] == 2600
    assert ledger(world.own).completed_investment == mar.since_start_total


def test_a_change_of_the_ledger_by_hand_moves_the_part_before_not_the_accepted_months(world):
    jan = accepted(world, month=JAN, completed_this_month=Decimal("100"))
    project = ledger_services.update_project(
        ledger(world.own),
        {"completed_investment": Decimal("3100.00")},
        by=world.office,
        expected_version=ledger(world.own).version,
        reason="核实开工以来投资",
    )
    assert (project.completed_investment, project.completed_before_reports) == (
        Decimal("3100.00"),
        Decimal("3000.00"),
    )
    record = ChangeRecord.objects.filter(project_id=world.own.pk, action="update").latest("id")
    assert record.before == {
        "completed_investment": "2600.00",
        "completed_before_reports": "2500.00",
    }
    assert record.after == {
        "completed_investment": "3100.00",
        "completed_before_reports": "3000.00",
    }
    jan.refresh_from_db()
    assert jan.since_start_total == BEFORE + Decimal("100")  # as it was accepted
    feb = accepted(world, month=FEB, completed_this_month=Decimal("200"))
    assert feb.since_start_total == Decimal("3300.00") == ledger(world.own).completed_investment


def test_the_ledger_cannot_go_below_what_the_accepted_reports_put_in(world):
    accepted(world, month=JAN, completed_this_month=Decimal("100"))
    with pytest.raises(ValidationError) as refused:
        ledger_services.update_project(
            ledger(world.own), {"completed_investment": Decimal("99.99")}, by=world.office
        )
    assert "completed_investment" in refused.value.message_dict
    assert "100.00" in refused.value.message_dict["completed_investment"][0]
    assert ledger(world.own).completed_investment == BEFORE + Decimal("100")
    response = Api(world.office).patch(
        f"/api/projects/{world.own.pk}",
        {"version": ledger(world.own).version, "completed_investment": "50"},
    )
    assert response.status_code == 422 and "completed_investment" in response.json()["errors"]
    # exactly the reports: nothing before them
    project = ledger_services.update_project(
        ledger(world.own), {"completed_investment": Decimal("100")}, by=world.office
    )
    assert project.completed_before_reports == Decimal("0")


# --- returns and corrections ------------------------------------------------------------


def test_a_returned_report_is_computed_again_when_it_comes_back(world):
    accepted(world, month=JAN, completed_this_month=Decimal("100"))
    feb = reviewed(world, month=FEB, completed_this_month=Decimal("200"))
    assert feb.since_start_total == BEFORE + Decimal("300")
    services.return_report(feb, by=world.office, comment="金额有误")
    assert ledger(world.own).completed_investment == BEFORE + Decimal("100")  # never carried
    feb = services.save_draft(
        MonthlyReport.objects.get(pk=feb.pk), {"completed_this_month": Decimal("150")},
        by=world.member,
    )  # fmt: skip
    assert api_figure(world, feb) == "2750.00"  # returned: as it would read now
    feb = services.accept(
        services.review(services.submit(feb, by=world.member), by=world.district),
        by=world.office,
    )
    assert (
        feb.since_start_total == BEFORE + Decimal("250") == ledger(world.own).completed_investment
    )


def test_a_correction_takes_the_month_out_and_computes_it_again(world):
    jan = accepted(world, month=JAN, completed_this_month=Decimal("100"))
    feb = accepted(world, month=FEB, completed_this_month=Decimal("200"))
    correction = services.request_correction(feb, by=world.member, reason="二月金额填错")
    services.decide_correction(correction, by=world.office, approve=True)
    feb.refresh_from_db()
    assert feb.status == ReportStatus.DRAFT
    assert ledger(world.own).completed_investment == BEFORE + Decimal("100")
    assert page_figure(world, feb) == "2,800.00"  # the draft as it would read now
    feb = services.save_draft(feb, {"completed_this_month": Decimal("20")}, by=world.member)
    assert api_figure(world, feb) == "2620.00"
    mar = submitted(world, month=MAR, completed_this_month=Decimal("300"))
    assert mar.since_start_total == BEFORE + Decimal("400")  # February is out for now
    feb = services.accept(
        services.review(services.submit(feb, by=world.member), by=world.district),
        by=world.office,
    )
    assert feb.since_start_total == BEFORE + Decimal("120")
    mar = services.accept(services.review(mar, by=world.district), by=world.office)
    assert mar.since_start_total == BEFORE + Decimal("420")  # fixed at acceptance
    jan.refresh_from_db()
    assert jan.since_start_total == BEFORE + Decimal("100")
    assert ledger(world.own).completed_investment == mar.since_start_total
    accept_record = ChangeRecord.objects.filter(object_id=str(mar.pk), action="accept").get()
    assert accept_record.before["since_start_total"] == "2900.00"
    assert accept_record.after["since_start_total"] == "2920.00"


def test_a_month_submitted_before_the_previous_one_was_accepted_is_fixed_at_acceptance(world):
    jan = reviewed(world, month=JAN, completed_this_month=Decimal("100"))
    feb = reviewed(world, month=FEB, completed_this_month=Decimal("200"))
    assert feb.since_start_total == BEFORE + Decimal("200")  # January not accepted yet
    services.accept(jan, by=world.office)
    feb = services.accept(feb, by=world.office)
    assert (
        feb.since_start_total == BEFORE + Decimal("300") == ledger(world.own).completed_investment
    )


# --- bulk-written reports: the demo, synthetic programmes, stored data ----------------------


def demo_reports(programme):
    return MonthlyReport.objects.filter(project__programme=programme).select_related("project")


def test_the_demo_tells_since_start_by_the_definition(db):
    programme = load_demo().programme
    taihang = programme.projects.get(name="沿太行高速焦作至济源段")
    december = demo_reports(programme).filter(project=taihang).latest("month")
    # what the ledger holds since the 2023 start is December's 开工累计, not the year's total
    assert taihang.actual_start.year < december.month.year
    assert december.since_start_total == taihang.completed_investment > december.ytd_total
    first_year = min(r.month.year for r in demo_reports(programme))
    for report in demo_reports(programme):
        assert report.since_start_total == since_start.for_report(report)
        if report.month.year == first_year:  # before it, only the ledger: every month alike
            assert report.since_start_total - report.ytd_total == (
                report.project.completed_before_reports
            )
    assert since_start.disagreements(programme.projects.values_list("pk", flat=True)) == {}


def test_a_generated_programme_tells_since_start_by_the_definition(db):
    programme = build_synth(projects=20, seed=4, months=6).programme
    reports = MonthlyReport.objects.filter(project__programme=programme)
    assert reports.filter(since_start_total__isnull=True).count() == 0
    for report in reports.select_related("project"):
        assert report.since_start_total == since_start.for_report(report)
    assert since_start.disagreements(programme.projects.values_list("pk", flat=True)) == {}
    for project in programme.projects.all():
        assert project.completed_investment <= project.total_investment


def test_the_migration_settles_data_stored_by_the_old_definition(db):
    programme = load_demo().programme
    expected = dict(MonthlyReport.objects.values_list("pk", "since_start_total"))
    ledgers = dict(programme.projects.values_list("pk", "completed_investment"))
    # as the data stood: since-start = the stored reports alone, the whole ledger "before"
    MonthlyReport.objects.update(since_start_total=F("ytd_total"))
    Project.objects.update(completed_before_reports=F("completed_investment"))
    migration = importlib.import_module("keyworks.reporting.migrations.0004_since_start")
    migration.settle_stored(apps, None)
    for pk, figure in MonthlyReport.objects.values_list("pk", "since_start_total"):
        assert figure == expected[pk]
    assert dict(programme.projects.values_list("pk", "completed_investment")) == ledgers
    assert since_start.disagreements(programme.projects.values_list("pk", flat=True)) == {}
    records = ChangeRecord.objects.filter(action="since_start")
    assert records.count() == Project.objects.count()  # the city's and the district's
    assert all(r.seq is not None and r.digest for r in records)  # sealed into the chain
    taihang = programme.projects.get(name="沿太行高速焦作至济源段")
    record = records.get(object_id=str(taihang.pk))
    assert record.before["completed_before_reports"] == str(ledgers[taihang.pk])
    assert record.after["completed_before_reports"] == str(taihang.completed_before_reports)
    december = MonthlyReport.objects.filter(project=taihang).latest("month")
    assert record.after["since_start_total"][f"{december.month:%Y-%m}"] == str(ledgers[taihang.pk])
