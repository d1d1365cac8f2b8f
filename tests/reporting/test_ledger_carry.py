"""Accepting a report moves the ledger's 累计完成投资; reopening an accepted report takes
its amount back out. Audited and versioned like any ledger change."""

from decimal import Decimal

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Project
from keyworks.reporting import services

from .conftest import reviewed


def completed(project) -> Decimal:
    return Project.objects.get(pk=project.pk).completed_investment


def test_accepting_adds_the_month_to_the_ledger_once(world):
    before = completed(world.own)
    version = Project.objects.get(pk=world.own.pk).version
    report = services.accept(
        reviewed(world, completed_this_month=Decimal("321.50")), by=world.office
    )
    assert completed(world.own) == before + Decimal("321.50")
    assert Project.objects.get(pk=world.own.pk).version == version + 1
    record = ChangeRecord.objects.get(action="carry_report", project_id=world.own.pk)
    assert record.before == {"completed_investment": str(before)}
    assert record.after == {"completed_investment": str(before + Decimal("321.50"))}
    assert record.programme_id == world.programme.pk
    assert report.status == "accepted"


def test_a_correction_of_an_accepted_report_takes_it_back_out(world):
    before = completed(world.own)
    report = services.accept(reviewed(world, completed_this_month=Decimal("100")), by=world.office)
    correction = services.request_correction(report, by=world.member, reason="金额填错")
    services.decide_correction(correction, by=world.office, approve=True)
    assert completed(world.own) == before
    assert ChangeRecord.objects.filter(action="carry_report").count() == 2


def test_a_rejected_correction_leaves_the_ledger_alone(world):
    report = services.accept(reviewed(world, completed_this_month=Decimal("100")), by=world.office)
    after_accept = completed(world.own)
    correction = services.request_correction(report, by=world.member, reason="金额填错")
    services.decide_correction(correction, by=world.office, approve=False)
    assert completed(world.own) == after_accept
