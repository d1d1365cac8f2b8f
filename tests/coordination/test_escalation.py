"""Automatic escalation: rule boundaries, idempotence, the command, the rules page/API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from keyworks.audit.models import ChangeRecord
from keyworks.coordination import services
from keyworks.coordination.models import EscalationLevel, EscalationRule, ProblemEvent
from keyworks.core.calendar import local_today
from tests.conftest import race_first_save

from .conftest import raised, resolved

RULES = "/coordination/rules/"
Kind = ProblemEvent.Kind


def rule(world, **data):
    values = {"enabled": True, "overdue_days": 7, "stuck_days": 0, "max_level": 4}
    values.update(data)
    return services.save_escalation_rule(world.programme, values, by=world.office)


def overdue_by(world, days: int):
    """A problem whose deadline passed `days` days ago (raised today, with a reason)."""
    deadline = local_today() - datetime.timedelta(days=days)
    return raised(world, deadline=deadline, deadline_reason="补录历史问题")


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def escalations(problem):
    return list(problem.events.filter(kind=Kind.ESCALATE).order_by("at", "id"))


def test_overdue_rule_boundary(world):
    rule(world)
    six = overdue_by(world, 6)
    seven = overdue_by(world, 7)
    version = seven.version
    done = services.run_escalation(world.programme)
    assert [d.problem.pk for d in done] == [seven.pk]
    seven.refresh_from_db()
    six.refresh_from_db()
    assert seven.level == EscalationLevel.TASK_FORCE
    assert six.level == EscalationLevel.DISTRICT
    (event,) = escalations(seven)
    assert event.note == "逾期7天，达到逾期7天升级规则，自动升级至专班牵头领导"
    assert event.actor.username == services.SYSTEM_USERNAME
    assert not event.actor.is_active  # the system account cannot sign in
    assert event.level == EscalationLevel.TASK_FORCE
    assert seven.version == version + 1  # a hand edit opened before it is refused
    record = ChangeRecord.objects.get(action="escalate", object_id=str(seven.pk))
    assert record.after == {"level": 2} and "逾期7天" in record.reason


def test_one_level_per_run_and_idempotent_per_day(world):
    rule(world)
    problem = overdue_by(world, 30)
    assert len(services.run_escalation(world.programme)) == 1
    assert services.run_escalation(world.programme) == []
    assert services.run_escalation(world.programme) == []
    problem.refresh_from_db()
    assert problem.level == EscalationLevel.TASK_FORCE
    assert len(escalations(problem)) == 1


def test_fires_anew_from_the_escalation(world):
    rule(world)
    problem = overdue_by(world, 30)
    services.run_escalation(world.programme)
    (event,) = escalations(problem)
    ProblemEvent.objects.filter(pk=event.pk).update(at=days_ago(6))
    assert services.run_escalation(world.programme) == []
    ProblemEvent.objects.filter(pk=event.pk).update(at=days_ago(7))
    (done,) = services.run_escalation(world.programme)
    assert done.note == ("逾期30天，距上次升级7天，达到逾期7天升级规则，自动升级至指挥部办公室")
    problem.refresh_from_db()
    assert problem.level == EscalationLevel.OFFICE


def test_hand_escalation_restarts_the_count(world):
    rule(world)
    problem = overdue_by(world, 30)
    services.escalate(problem, by=world.office, level=3, note="办公室直接协调")
    assert services.run_escalation(world.programme) == []
    problem.refresh_from_db()
    assert problem.level == EscalationLevel.OFFICE


def test_max_level_caps(world):
    rule(world, max_level=2)
    problem = overdue_by(world, 30)
    services.run_escalation(world.programme)
    (event,) = escalations(problem)
    ProblemEvent.objects.filter(pk=event.pk).update(at=days_ago(20))
    assert services.run_escalation(world.programme) == []
    problem.refresh_from_db()
    assert problem.level == 2


def test_stuck_rule_boundary(world):
    rule(world, overdue_days=0, stuck_days=10)
    quiet = raised(world)
    quieter = raised(world, description="规划许可未批")
    ProblemEvent.objects.filter(problem=quiet).update(at=days_ago(9))
    ProblemEvent.objects.filter(problem=quieter).update(at=days_ago(10))
    (done,) = services.run_escalation(world.programme)
    assert done.problem.pk == quieter.pk
    assert done.note == "10天无办理记录，达到10天无进展升级规则，自动升级至专班牵头领导"
    # A handling note is an event: the quiet problem is no longer stuck.
    services.add_note(quiet, "已对接", by=world.department_user)
    ProblemEvent.objects.filter(problem=quiet, kind=Kind.RAISE).update(at=days_ago(40))
    assert services.run_escalation(world.programme) == []


def test_both_rules_one_level(world):
    rule(world, stuck_days=5)
    problem = overdue_by(world, 10)
    ProblemEvent.objects.filter(problem=problem).update(at=days_ago(5))
    (done,) = services.run_escalation(world.programme)
    assert done.level == 2
    assert "逾期10天" in done.note and "5天无办理记录" in done.note


def test_resolved_closed_disabled_and_dry_run(world):
    rule(world)
    waiting = resolved(
        world, deadline=local_today() - datetime.timedelta(days=20), deadline_reason="补录"
    )
    closed = overdue_by(world, 20)
    services.close(closed, by=world.office, note="已解决")
    assert services.run_escalation(world.programme) == []  # neither is being handled
    waiting.refresh_from_db()
    assert waiting.level == 1
    problem = overdue_by(world, 20)
    assert len(services.run_escalation(world.programme, dry_run=True)) == 1
    assert escalations(problem) == []
    rule(world, enabled=False)
    assert services.run_escalation(world.programme) == []


def test_past_date_and_future_date(world):
    rule(world)
    problem = overdue_by(world, 10)
    # As of five days ago it was only five days overdue.
    assert (
        services.run_escalation(world.programme, local_today() - datetime.timedelta(days=5)) == []
    )
    with pytest.raises(ValidationError):
        services.run_escalation(world.programme, local_today() + datetime.timedelta(days=1))
    assert len(services.run_escalation(world.programme)) == 1
    assert escalations(problem)


def test_no_rule_means_no_escalation(world):
    overdue_by(world, 30)
    assert not EscalationRule.objects.exists()
    assert services.run_escalation(world.programme) == []


def test_command(world, capsys):
    rule(world)
    problem = overdue_by(world, 8)
    call_command("escalate", "--dry-run")
    assert "应升级 1 个问题" in capsys.readouterr().out
    assert escalations(problem) == []
    call_command("escalate", "--programme", world.programme.code)
    out = capsys.readouterr().out
    assert f"问题#{problem.pk}" in out and "已升级 1 个问题" in out
    call_command("escalate")
    assert "已升级 0 个问题" in capsys.readouterr().out
    assert len(escalations(problem)) == 1


def test_save_rule_audited_and_locked(world):
    saved = rule(world)
    assert ChangeRecord.objects.filter(object_type="coordination.escalationrule").count() == 1
    services.save_escalation_rule(
        world.programme, {"overdue_days": 5}, by=world.office, expected_version=saved.version
    )
    with pytest.raises(services.RuleConcurrentEditError):
        services.save_escalation_rule(
            world.programme, {"overdue_days": 3}, by=world.office, expected_version=saved.version
        )
    record = ChangeRecord.objects.filter(action="update").latest("id")
    assert record.before["overdue_days"] == 7 and record.after["overdue_days"] == 5
    with pytest.raises(ValidationError):
        services.save_escalation_rule(world.programme, {"max_level": 9}, by=world.office)


def test_two_first_saves_of_the_rule_at_once(world, monkeypatch):
    """The other first save wins; this one updates it (no version) or is told (409)."""
    made = race_first_save(monkeypatch, EscalationRule, programme=world.programme)
    saved = rule(world, overdue_days=5)
    assert made and saved.pk == made[0].pk and saved.version == 2
    assert EscalationRule.objects.get().overdue_days == 5


def test_a_first_save_of_the_rule_from_the_form_after_another_is_a_conflict(world, monkeypatch):
    race_first_save(monkeypatch, EscalationRule, programme=world.programme)
    with pytest.raises(services.RuleConcurrentEditError):
        services.save_escalation_rule(
            world.programme, {"overdue_days": 3}, by=world.office, expected_version=1
        )


# --- the rules page and API ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "form"),
    [
        ("office", 200, True),
        ("leader", 200, False),
        ("inspector", 200, False),
        ("member", 200, False),
        ("district", 200, False),
        ("department_user", 200, False),
        ("outsider", 404, False),
    ],
)
def test_rules_page_matrix(world, who, status, form):
    client = world.client(getattr(world, who))
    response = client.get(RULES)
    assert response.status_code == status
    if status == 200:
        assert ('id="rule-form"' in response.content.decode()) is form
    post = {"enabled": "on", "overdue_days": "5", "stuck_days": "9", "max_level": "4"}
    response = client.post(RULES, post)
    if who == "office":
        assert response.status_code == 302
        saved = EscalationRule.objects.get(programme=world.programme)
        assert (saved.enabled, saved.overdue_days, saved.stuck_days) == (True, 5, 9)
    else:
        assert response.status_code == (404 if who == "outsider" else 403)
        assert not EscalationRule.objects.exists()


def test_rules_page_stale_version(world):
    saved = rule(world)
    client = world.client(world.office)
    post = {
        "enabled": "on",
        "overdue_days": "5",
        "stuck_days": "0",
        "max_level": "4",
        "version": str(saved.version),
    }
    assert client.post(RULES, post).status_code == 302
    response = client.post(RULES, {**post, "overdue_days": "3"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert EscalationRule.objects.get().overdue_days == 5


def test_rules_page_lists_due_problems_for_office(world):
    rule(world)
    problem = overdue_by(world, 9)
    body = world.client(world.office).get(RULES).content.decode()
    assert f"/coordination/{problem.pk}/" in body and "逾期9天" in body


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("office", 200, 200),
        ("leader", 200, 403),
        ("member", 200, 403),
        ("district", 200, 403),
        ("department_user", 200, 403),
        ("outsider", 404, 404),
    ],
)
def test_rules_api_matrix(world, who, read, write):
    client = world.client(getattr(world, who))
    url = f"/api/programmes/{world.programme.code}/escalation-rule"
    response = client.get(url)
    assert response.status_code == read
    if read == 200:
        assert response.json()["enabled"] is False
        assert response.json()["can_change"] is (who == "office")
    body = {"enabled": True, "overdue_days": 6, "stuck_days": 0, "max_level": 3}
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == write
    if write == 200:
        assert response.json()["overdue_days"] == 6
        assert response.json()["max_level_label"] == "指挥部办公室"


def test_rules_api_stale_version_409(world):
    saved = rule(world)
    client = world.client(world.office)
    url = f"/api/programmes/{world.programme.code}/escalation-rule"
    body = {
        "enabled": True,
        "overdue_days": 6,
        "stuck_days": 0,
        "max_level": 3,
        "version": saved.version,
    }
    assert client.put(url, body, content_type="application/json").status_code == 200
    assert client.put(url, body, content_type="application/json").status_code == 409
