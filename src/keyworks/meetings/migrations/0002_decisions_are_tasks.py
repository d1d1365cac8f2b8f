"""Meeting decisions become 督办 items: each decision is a tasks.Task of kind "decision"
extended by meetings.Decision (multi-table inheritance), its history TaskEvent rows.

The old rows are copied (statuses open/done/confirmed → issued or returned/answered/
accepted; events record → issue, report → answer, confirm → accept), carried-over agenda
items point at the new rows, and the old tables go."""

import datetime

import django.db.models.deletion
from django.db import migrations, models

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
KINDS = {
    "record": "issue",
    "edit": "edit",
    "note": "note",
    "report": "answer",
    "confirm": "accept",
    "return": "return",
}
STATUSES = {"open": "issued", "done": "answered", "confirmed": "accepted"}


def status_after(status: str, returned: bool) -> str:
    """A decision open again after a return waits as a returned task."""
    return "returned" if status == "open" and returned else STATUSES[status]


def copy_decisions(apps, schema_editor):
    OldDecision = apps.get_model("meetings", "Decision")
    DecisionEvent = apps.get_model("meetings", "DecisionEvent")
    Decision = apps.get_model("meetings", "NewDecision")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    TaskEvent = apps.get_model("tasks", "TaskEvent")
    olds = OldDecision.objects.select_related("meeting", "item", "item__problem").order_by("pk")
    for old in olds:
        events = list(DecisionEvent.objects.filter(decision_id=old.pk).order_by("at", "pk"))
        returned = False
        history = []
        for e in events:
            if e.kind == "return":
                returned = True
            elif e.kind in {"report", "confirm"}:
                returned = False
            history.append((e, status_after(e.status, returned)))
        meeting, item = old.meeting, old.item
        problem = item.problem
        new = Decision.objects.create(
            programme_id=meeting.programme_id,
            kind="decision",
            text=old.text,
            problem=problem,
            project_id=None if problem is not None else item.project_id,
            subject_label=f"{meeting.title}（{meeting.date:%Y-%m-%d}）",
            subject_url=f"/meetings/{meeting.pk}/",
            lead_unit_id=old.unit_id,
            status=history[-1][1] if history else STATUSES[old.status],
            issued_by_id=old.created_by_id,
            recorded_by_id=old.created_by_id,
            issued_on=old.created_at.astimezone(SHANGHAI).date(),
            issued_at=old.created_at,
            answer=old.done_note,
            answered_at=old.done_at,
            accepted_at=old.confirmed_at,
            deadline=old.deadline,
            version=old.version,
            meeting_id=meeting.pk,
            item_id=item.pk,
            sort=old.sort,
        )
        TaskEvent.objects.bulk_create(
            TaskEvent(
                task_id=new.pk,
                kind=KINDS[e.kind],
                status=status,
                at=e.at,
                actor_id=e.actor_id,
                note=e.note,
                unit_id=old.unit_id if e.kind in {"record", "report"} else None,
            )
            for e, status in history
        )
        AgendaItem.objects.filter(carried_id=old.pk).update(carried_new_id=new.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("tasks", "0003_decision_steps"),
    ]

    # The new rows are created as NewDecision (its own table, indexes and constraints
    # named after it), the old tables dropped, and then it takes the name Decision.
    operations = [
        migrations.CreateModel(
            name="NewDecision",
            fields=[
                (
                    "task",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        parent_link=True,
                        primary_key=True,
                        related_name="decision",
                        serialize=False,
                        to="tasks.task",
                    ),
                ),
                ("sort", models.PositiveIntegerField(default=0, verbose_name="排序")),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="meetings.meeting",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="meetings.agendaitem",
                    ),
                ),
            ],
            options={
                "verbose_name": "议定事项",
                "verbose_name_plural": "议定事项",
                "ordering": ["item__sort", "item_id", "sort", "task_id"],
            },
            bases=("tasks.task",),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="carried_new",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="meetings.newdecision",
            ),
        ),
        migrations.RunPython(copy_decisions),
        migrations.RemoveField(model_name="agendaitem", name="carried"),
        migrations.DeleteModel(name="DecisionEvent"),
        migrations.DeleteModel(name="Decision"),
        migrations.RenameModel("NewDecision", "Decision"),
        migrations.RenameField(model_name="agendaitem", old_name="carried_new", new_name="carried"),
        migrations.AlterField(
            model_name="agendaitem",
            name="carried",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="carried_into",
                to="meetings.decision",
                verbose_name="延续的议定事项",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="meeting",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="meetings.meeting",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="item",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="meetings.agendaitem",
            ),
        ),
    ]
