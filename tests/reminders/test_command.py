"""`keyworks remind`: one digest per user and day, dry run, users without e-mail."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from keyworks.reminders import digest, services
from keyworks.reminders.models import DigestSent

from .conftest import returned

DAY = datetime.date(2025, 6, 1)  # May's report due on 3 June: due soon for task forces


def remind(*args, **kwargs) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture(autouse=True)
def only_report_and_problem_reminders(monkeypatch):
    """Other apps' providers add their own reminders; these tests count ours."""
    monkeypatch.setattr(services, "APPS", ("reporting", "coordination"))


@pytest.fixture
def emails(world):
    for user, address in ((world.member, "tf01@example.com"), (world.office, "office@example.com")):
        user.email = address
        user.save()
    return world


def test_sends_one_digest_per_user_with_links_and_counts_users_without_email(emails, settings):
    world = emails
    settings.KEYWORKS_BASE_URL = "https://kw.example.gov.cn/"
    output = remind(date="2025-06-01")
    assert sorted(m.to[0] for m in mail.outbox) == ["tf01@example.com"]  # office: nothing due
    [message] = mail.outbox
    assert message.subject.startswith("【工作提醒】2025年6月1日 您有 1 项待办")
    assert world.own.name in message.body
    assert "https://kw.example.gov.cn/reporting/?programme=jz2025&month=2025-05" in message.body
    assert "https://kw.example.gov.cn/reminders/" in message.body
    # other_member has a reminder but no e-mail address: skipped and counted
    assert "tf02: 1 项 — 无邮箱" in output
    assert "无邮箱，已跳过 1" in output
    assert "已发送 1" in output
    assert DigestSent.objects.filter(user=world.member, day=DAY, reminders=1).exists()


def test_second_run_the_same_day_sends_nothing(emails):
    remind(date="2025-06-01")
    output = remind(date="2025-06-01")
    assert len(mail.outbox) == 1
    assert "当日已发送 1" in output
    assert DigestSent.objects.count() == 1
    remind(date="2025-06-02")  # a new day, a new digest
    assert len(mail.outbox) == 2


def test_dry_run_sends_and_records_nothing(emails):
    output = remind(date="2025-06-01", dry_run=True)
    assert mail.outbox == []
    assert DigestSent.objects.count() == 0
    assert "tf01: 1 项 — 将发送" in output


def test_user_option_limits_the_run(emails, make):
    world = emails
    returned(world, world.other)  # gives the office nothing; the other task force a reminder
    remind(date="2025-06-01", user="office")
    assert mail.outbox == []
    remind(date="2025-06-01", user="tf01")
    assert [m.to for m in mail.outbox] == [["tf01@example.com"]]
    with pytest.raises(CommandError):
        remind(user="nobody")
    with pytest.raises(CommandError):
        remind(date="2025-13-01")


def test_claim_taken_by_a_concurrent_run_is_not_sent_twice(emails, monkeypatch):
    world = emails
    # The other run claims the user between our check and our claim.
    real_exists = DigestSent.objects.filter(user=world.member, day=DAY).exists
    assert real_exists() is False
    DigestSent.objects.create(user=world.member, day=DAY)
    monkeypatch.setattr(digest.DigestSent.objects, "filter", lambda **kw: DigestSent.objects.none())
    outcome, count = digest.send_digest(world.member, DAY)
    assert (outcome, count) == (digest.ALREADY, 1)
    assert mail.outbox == []


def test_failed_send_leaves_no_claim_so_the_next_run_retries(emails, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(digest, "send_mail", broken)
    with pytest.raises(CommandError):
        remind(date="2025-06-01")
    assert DigestSent.objects.count() == 0
    monkeypatch.undo()
    remind(date="2025-06-01")
    assert len(mail.outbox) == 1


def test_the_digest_is_chinese_by_default_and_english_when_run_in_english(emails):
    with translation.override("en"):
        output = remind(date="2025-06-01")
    [message] = mail.outbox
    assert message.subject.startswith("[Reminders] 2025-06-01: 1 thing to do")
    assert "please do not reply" in message.body and "您好" not in message.body
    assert "sent 1" in output and "已发送" not in output
