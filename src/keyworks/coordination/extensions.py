"""What coordination adds to the computations of the apps below it (core.extensions)."""

import datetime
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from keyworks.core.calendar import local_today
from keyworks.core.extensions import provides
from keyworks.reporting.measures import month_end

from .filters import ProblemFilter
from .models import Problem
from .permissions import can_raise_problem


def as_of_day(month: datetime.date) -> datetime.date:
    """The day a month's problem figures are counted at: its end, or today while it runs."""
    return min(month_end(month), local_today())


def problem_count(user, programme, **params) -> int:
    """Problems of `programme` the user may see, through the problem list's own filter
    (`params` as its query string), so the figure is what the list shows."""
    base = Problem.objects.restrict(user).filter(project__programme=programme)
    query = QueryDict(urlencode(params))
    return ProblemFilter(query, queryset=base, programme=programme).qs.count()


@provides("headline_figures")
def problem_figures(user, programme, month):
    """Open and overdue problems as of the month's end (reporting.registry)."""
    if user is None:
        return []
    params = {"state": "open", "as_of": as_of_day(month).isoformat()}
    return [
        {
            "problems_open": problem_count(user, programme, **params),
            "problems_overdue": problem_count(user, programme, **params, overdue="on"),
        }
    ]


@provides("project_page_abilities")
def problem_abilities(user, project):
    return [{"can_raise_problem": can_raise_problem(user, project)}]


@provides("raise_problem_url")
def raise_problem_url(user, project, **prefill):
    """Where the user raises a problem of `project` with the form pre-filled, if they may."""
    if not can_raise_problem(user, project):
        return []
    return [f"{reverse('coordination:problem_raise', args=[project.pk])}?{urlencode(prefill)}"]
