"""The change log and the security log are tamper-evident: every record the application
writes is sealed into a chain when its transaction commits, and `keyworks audit-verify`
names the first record altered, deleted or put in by other means (raw SQL here)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from keyworks.audit.chain import ALGORITHM, verify
from keyworks.audit.models import ChangeRecord, SecurityEvent
from keyworks.audit.security import log_event
from keyworks.audit.services import record_change


@pytest.fixture
def sealed(world, django_capture_on_commit_callbacks):
    """Five change records and two security events, written and committed."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            record_change(
                by=world.office,
                action="update",
                obj=world.own,
                after={"name": f"第{n}次修改"},
                project_id=world.own.pk,
                programme_id=world.programme.pk,
            )
        log_event("login", user=world.office)
        log_event("login_failed", username="nobody", success=False)
    return list(ChangeRecord.objects.order_by("seq"))


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_records_are_sealed_in_one_chain_when_they_commit(sealed):
    assert [r.seq for r in sealed] == [1, 2, 3, 4, 5]
    assert all(r.digest.startswith(ALGORITHM + ":") for r in sealed)
    assert len({r.digest for r in sealed}) == 5
    findings, checked, head = verify(ChangeRecord)
    assert findings == [] and checked == 5 and head == sealed[-1].digest
    assert verify(SecurityEvent)[0] == [] and verify(SecurityEvent)[1] == 2


def test_an_altered_record_is_found(sealed):
    sql(
        "UPDATE audit_changerecord SET after = %s WHERE id = %s", ['{"name": "改过"}', sealed[2].pk]
    )
    findings, _checked, _head = verify(ChangeRecord)
    assert [(f.seq, f.record_id) for f in findings] == [(3, sealed[2].pk)]
    with pytest.raises(CommandError):
        call_command("audit-verify", "--log", "changes")


def test_a_deleted_record_is_found(sealed):
    sql("DELETE FROM audit_changerecord WHERE id = %s", [sealed[1].pk])
    findings, _checked, _head = verify(ChangeRecord)
    assert findings[0].seq == 2 and "删除" in findings[0].problem


def test_a_record_put_in_behind_the_application_is_found(sealed):
    then = timezone.now() - datetime.timedelta(days=30)
    sql(
        "INSERT INTO audit_changerecord (at, actor_name, request_id, action, object_type,"
        " object_id, object_label, reason, digest) VALUES (%s, '伪造', '', 'update',"
        " 'ledger.project', '1', 'x', '', '')",
        [then],
    )
    findings, _checked, _head = verify(ChangeRecord)
    assert findings and findings[-1].seq is None and "不在链中" in findings[-1].problem


def test_an_altered_security_event_is_found(sealed, capsys):
    event = SecurityEvent.objects.get(kind="login_failed")
    sql("UPDATE audit_securityevent SET outcome = 'success' WHERE id = %s", [event.pk])
    assert verify(SecurityEvent)[0][0].record_id == event.pk
    call_command("audit-verify", "--log", "changes")  # the other log is still intact
    assert "5 条记录完整" in capsys.readouterr().out


def test_records_cannot_be_changed_through_the_application(sealed):
    from keyworks.audit.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        sealed[0].save()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.first().delete()
