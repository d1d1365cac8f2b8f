"""The one filter for the decision list (议定事项跟踪), shared by the page, the export and
the API.

`as_of` (YYYY-MM-DD) shows the list as it stood at the end of that day (Asia/Shanghai):
the decisions recorded by then, with their status, progress note and overdue flag then,
computed from the decisions' TaskEvent rows (core.asof). The keyword
searches every decision, confirmed ones included."""

import datetime

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from keyworks.core import asof
from keyworks.core.calendar import end_of_day, local_today
from keyworks.tasks.models import TaskEvent, TaskStatus

from .forms import DecisionFilterForm
from .models import Decision

STATUS_LABELS = dict(TaskStatus.choices)
# Events whose note tells how the decision is being carried out (进展情况).
PROGRESS_KINDS = (
    TaskEvent.Kind.NOTE,
    TaskEvent.Kind.ANSWER,
    TaskEvent.Kind.ACCEPT,
    TaskEvent.Kind.RETURN,
)


def with_state(queryset, cutoff=None):
    """Annotate `status_then`, `text_then` (the text as recorded or last edited),
    `progress_then` (the latest progress note) and `project_name`, as of `cutoff` (an
    aware datetime) or now."""
    Kind = TaskEvent.Kind
    return asof.with_state(queryset, TaskEvent, cutoff).annotate(
        text_then=asof.latest(TaskEvent, "note", cutoff, kind__in=(Kind.ISSUE, Kind.EDIT)),
        progress_then=asof.latest(TaskEvent, "note", cutoff, ~Q(note=""), kind__in=PROGRESS_KINDS),
        project_name=Coalesce(
            "item__project__name",
            "item__problem__project__name",
            "item__carried__item__project__name",
            "item__carried__item__problem__project__name",
            Value(""),
        ),
    )


def keyword_filter(queryset, value: str):
    """Decisions whose text, progress notes, unit, agenda item, meeting or project
    mention `value`, whatever their status."""
    value = (value or "").strip()
    if not value:
        return queryset
    noted = TaskEvent.objects.filter(task=OuterRef("pk"), note__icontains=value)
    return queryset.filter(
        Q(text__icontains=value)
        | Q(answer__icontains=value)
        | Q(lead_unit__name__icontains=value)
        | Q(item__title__icontains=value)
        | Q(meeting__title__icontains=value)
        | Q(item__project__name__icontains=value)
        | Q(item__problem__project__name__icontains=value)
        | Exists(noted)
    )


def filter_decisions(queryset, values: dict, *, today: datetime.date | None = None):
    """Apply the filter values (as_of, q, status, unit, meeting, overdue) to `queryset`;
    rows carry the annotations of `with_state`."""
    as_of = values.get("as_of")
    cutoff = end_of_day(as_of) if as_of else None
    if cutoff is not None:
        queryset = queryset.filter(issued_at__lt=cutoff)
    queryset = with_state(keyword_filter(queryset, values.get("q")), cutoff)
    day = as_of or today or local_today()
    if values.get("status"):
        queryset = queryset.filter(status_then=values["status"])
    if values.get("unit"):
        queryset = queryset.filter(lead_unit=values["unit"])
    if values.get("meeting"):
        queryset = queryset.filter(meeting=values["meeting"])
    if values.get("overdue"):
        queryset = queryset.filter(Decision.overdue_q(day, status="status_then"))
    return queryset.select_related("meeting", "lead_unit", "item").order_by(
        "-meeting__date", "item__sort", "sort", "id"
    )


def label_rows(decisions, day: datetime.date) -> list[Decision]:
    """The rows with `status_label` and `overdue` as of `day` (the end of the as-of day,
    or today)."""
    rows = list(decisions)
    for d in rows:
        d.status_label = str(STATUS_LABELS.get(d.status_then, d.status_then or ""))
        d.overdue = Decision.was_overdue(d.status_then, d.deadline, day)
    return rows


def programme_decisions(user, programme):
    return Decision.objects.restrict(user).filter(meeting__programme=programme)


def filtered_decisions(user, programme, data):
    """(form, queryset, as_of) for the page and the export."""
    form = DecisionFilterForm(data or None, programme=programme)
    values = form.cleaned_data if form.is_valid() else {}
    qs = filter_decisions(programme_decisions(user, programme), values)
    return form, qs, values.get("as_of")
