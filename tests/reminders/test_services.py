"""Collecting the apps' providers, sorting and grouping."""

import datetime
import sys
import types

from keyworks.core.reminders import Reminder
from keyworks.reminders import services

D = datetime.date


def reminder(kind, title, due=None, overdue=False):
    return Reminder(kind=kind, title=title, url="/", programme_id=1, due=due, overdue=overdue)


def test_missing_apps_are_skipped_and_present_ones_collected(world, monkeypatch):
    fake = types.ModuleType("keyworks.fakeapp.reminders")
    fake.reminders_for = lambda user, today: [reminder("fake_kind", "假的提醒")]
    monkeypatch.setitem(sys.modules, "keyworks.fakeapp.reminders", fake)
    monkeypatch.setattr(services, "APPS", ("nosuchapp", "fakeapp", "coordination"))
    assert len(services.providers()) == 2
    items = services.reminders_for(world.member, D(2026, 3, 1))
    assert [r.kind for r in items] == ["fake_kind"]


def test_outsider_gets_nothing_without_asking_providers(world, monkeypatch):
    monkeypatch.setattr(services, "providers", lambda: [lambda u, t: [reminder("x", "x")]])
    assert services.reminders_for(world.outsider, D(2026, 3, 1)) == []
    assert len(services.reminders_for(world.member, D(2026, 3, 1))) == 1


def test_sorted_overdue_first_then_by_due_date_and_grouped_by_kind(world, monkeypatch):
    given = [
        reminder("b", "undated"),
        reminder("a", "soon", due=D(2026, 3, 5)),
        reminder("b", "late", due=D(2026, 3, 8), overdue=True),
        reminder("a", "sooner", due=D(2026, 3, 2)),
        reminder("a", "very late", due=D(2026, 2, 1), overdue=True),
    ]
    monkeypatch.setattr(services, "providers", lambda: [lambda u, t: given])
    items = services.reminders_for(world.member, D(2026, 3, 1))
    assert [r.title for r in items] == ["very late", "late", "sooner", "soon", "undated"]
    groups = services.group(items)
    assert [(g.kind, [r.title for r in g.items], g.overdue_count) for g in groups] == [
        ("a", ["very late", "sooner", "soon"], 1),
        ("b", ["late", "undated"], 1),
    ]


def test_group_labels_come_from_the_reminder_or_the_known_kinds():
    assert services.label_of(reminder("report_due", "x")).startswith("月报待填报")
    own = Reminder("custom", "x", "/", 1, kind_label="自定义")
    assert services.label_of(own) == "自定义"
