"""Decisions followed like problems; the meeting's lock; integrity and audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import ChangeRecord
from keyworks.core.errors import ConcurrentEditError
from keyworks.meetings import services
from keyworks.meetings.models import AgendaKind, Meeting
from keyworks.tasks.models import TaskEvent, TaskStatus

from .conftest import FUTURE, TODAY, decided, opened, other_unit_user

Kind = TaskEvent.Kind


def test_open_meeting_numbers_and_titles(world):
    meeting = opened(world, place="市政府第一会议室", chair="张副市长", attendees="各成员单位")
    assert (meeting.number, meeting.title, meeting.opened_by) == (1, "第1次周调度会", world.office)
    assert ChangeRecord.objects.filter(object_type="meetings.meeting", action="create").exists()
    with pytest.raises(ValidationError):  # one open meeting at a time
        opened(world, TODAY + datetime.timedelta(days=7))
    services.close_meeting(meeting, by=world.office)
    second = opened(world, TODAY + datetime.timedelta(days=7), title="第12次周调度会")
    assert (second.number, second.title) == (2, "第12次周调度会")


def test_only_office_opens(world):
    for user in (world.leader, world.member, world.department_user):
        with pytest.raises(PermissionDenied):
            services.open_meeting(world.programme, {"date": TODAY}, by=user)
    assert not Meeting.objects.exists()


def test_decision_flow(world):
    decision = decided(world)
    assert decision.status == TaskStatus.ISSUED and not decision.is_overdue(TODAY)
    services.add_note(decision, "已对接，正在办理", by=world.department_user)
    services.report_done(decision, "用地手续已办结", by=world.department_user)
    decision.refresh_from_db()
    assert (decision.status, decision.answer) == (TaskStatus.ANSWERED, "用地手续已办结")
    services.return_decision(decision, by=world.office, note="批复文件未上传")
    services.report_done(decision, "已上传批复", by=world.department_user)
    services.confirm(decision, by=world.office, note="经核实已办结")
    decision.refresh_from_db()
    assert decision.status == TaskStatus.ACCEPTED
    kinds = list(decision.events.order_by("at", "id").values_list("kind", "status"))
    assert kinds == [
        (Kind.ISSUE, "issued"),
        (Kind.NOTE, "issued"),
        (Kind.ANSWER, "answered"),
        (Kind.RETURN, "returned"),
        (Kind.ANSWER, "answered"),
        (Kind.ACCEPT, "accepted"),
    ]
    audited = ChangeRecord.objects.filter(object_type="tasks.task", object_id=decision.pk)
    assert audited.count() == 6
    with pytest.raises(PermissionDenied):  # confirmed: nothing more to do
        services.add_note(decision, "补充", by=world.department_user)


def test_decision_needs_owner_text_and_deadline(world):
    meeting = opened(world)
    item = services.add_item(meeting, by=world.office, title="其他事项")
    with pytest.raises(ValidationError) as exc:
        services.record_decision(item, {"text": "加快推进", "deadline": FUTURE}, by=world.office)
    assert "unit" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.record_decision(item, {"unit": world.department}, by=world.office)
    assert {"text", "deadline"} <= set(exc.value.error_dict)
    assert not item.decisions.exists()


def test_only_the_responsible_unit_reports(world):
    decision = decided(world)
    for user in (other_unit_user(world), world.member, world.leader, world.inspector):
        with pytest.raises(PermissionDenied):
            services.report_done(decision, "已完成", by=user)
    with pytest.raises(ValidationError):
        services.report_done(decision, "  ", by=world.department_user)
    services.report_done(decision, "已完成", by=world.department_user)
    with pytest.raises(PermissionDenied):  # the unit cannot confirm its own report
        services.confirm(decision, by=world.department_user)


def test_user_unit_counts_for_task_force_users(world):
    world.member.unit = world.department
    world.member.save()
    decision = decided(world)
    services.add_note(decision, "专班已对接", by=world.member)
    assert decision.events.filter(kind=Kind.NOTE, actor=world.member).exists()


def test_stale_version_is_refused(world):
    decision = decided(world)
    services.add_note(decision, "进展", by=world.department_user)  # notes bump the version
    with pytest.raises(ConcurrentEditError):  # the 督办 item's own (tasks.services)
        services.report_done(decision, "已完成", by=world.department_user, expected_version=1)
    item = decision.item
    services.edit_item(item, by=world.office, summary="新说明", expected_version=1)
    with pytest.raises(services.ConcurrentEditError):
        services.edit_item(item, by=world.office, summary="旧页面的修改", expected_version=1)


def test_overdue(world):
    """Overdue as every 督办 item: the deadline passed and it is not confirmed (办结)."""
    meeting = opened(world, day=TODAY - datetime.timedelta(days=5))
    decision = decided(world, meeting=meeting, deadline=TODAY - datetime.timedelta(days=1))
    assert decision.is_overdue(TODAY)
    services.report_done(decision, "已完成", by=world.department_user)
    decision.refresh_from_db()
    assert decision.is_overdue(TODAY)
    services.confirm(decision, by=world.office)
    decision.refresh_from_db()
    assert not decision.is_overdue(TODAY)


def test_a_deadline_before_the_meeting_is_refused(world):
    meeting = opened(world, day=TODAY - datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        decided(world, meeting=meeting, deadline=TODAY - datetime.timedelta(days=6))
    assert "deadline" in refused.value.message_dict
    decision = decided(world, meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        services.edit_decision(
            decision, {"deadline": TODAY - datetime.timedelta(days=6)}, by=world.office
        )
    assert refused.value.message_dict["deadline"] == ["完成时限不能早于会议日期"]


def test_agenda_editing(world):
    meeting = opened(world)
    a = services.add_item(meeting, by=world.office, title="甲")
    b = services.add_item(meeting, by=world.office, title="乙")
    assert a.kind == AgendaKind.FREE
    services.move_item(b, -1, by=world.office)
    assert list(meeting.items.order_by("sort").values_list("title", flat=True)) == ["乙", "甲"]
    services.edit_item(a, by=world.office, title="甲（修改）", summary="说明")
    services.remove_item(b, by=world.office)
    assert list(meeting.items.values_list("title", flat=True)) == ["甲（修改）"]
    decided(world, meeting, item=a)
    with pytest.raises(ValidationError):
        services.remove_item(a, by=world.office)
    with pytest.raises(ValidationError):
        services.reorder(meeting, [], by=world.office)
    with pytest.raises(PermissionDenied):
        services.add_item(meeting, by=world.leader, title="领导加的")


def test_closing_locks_agenda_and_decisions(world):
    decision = decided(world)
    meeting, item = decision.meeting, decision.item
    services.close_meeting(meeting, by=world.office)
    locked = [
        lambda: services.add_item(meeting, by=world.office, title="会后加的"),
        lambda: services.edit_item(item, by=world.office, title="会后改的"),
        lambda: services.remove_item(item, by=world.office),
        lambda: services.reorder(meeting, [item.pk], by=world.office),
        lambda: services.record_decision(
            item,
            {"text": "会后加的", "unit": world.department, "deadline": FUTURE},
            by=world.office,
        ),
        lambda: services.edit_decision(decision, {"text": "会后改的"}, by=world.office),
        lambda: services.update_meeting(meeting, {"place": "别处"}, by=world.office),
        lambda: services.close_meeting(meeting, by=world.office),
    ]
    for call in locked:
        with pytest.raises(PermissionDenied):
            call()
    decision.refresh_from_db()
    assert decision.text == "加快办理用地手续"
    # The follow-up goes on after the meeting.
    services.report_done(decision, "已完成", by=world.department_user)
    services.confirm(decision, by=world.office)


def test_edit_decision_while_open(world):
    decision = decided(world)
    services.edit_decision(
        decision, {"text": "修改后的事项", "deadline": FUTURE}, by=world.office, expected_version=1
    )
    decision.refresh_from_db()
    assert (decision.text, decision.version) == ("修改后的事项", 2)
    assert decision.events.filter(kind=Kind.EDIT).exists()
    with pytest.raises(PermissionDenied):
        services.edit_decision(decision, {"text": "部门改的"}, by=world.department_user)
