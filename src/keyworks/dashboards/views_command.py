"""The command dashboard (指挥中心): the figures the office reports upward.

Every number comes from the code behind the list it links to: project counts from the
ledger's `ProjectFilter`, investment, starts and report timeliness from
`reporting.measures` (`project_measures` / `rollup`), lights from `reporting.lights`,
problems from the coordination `ProblemFilter`. Nothing is re-aggregated here.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from keyworks.audit import revisions
from keyworks.coordination.extensions import as_of_day
from keyworks.coordination.models import Problem, ProblemStatus
from keyworks.core.calendar import SHANGHAI, local_today, page_month
from keyworks.ledger.filters import ProjectFilter
from keyworks.ledger.models import Project, Stage
from keyworks.ledger.programmes import current_programme
from keyworks.reporting import lights as warning_lights
from keyworks.reporting.measures import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    TIMELINESS_LABELS,
    default_month,
    percent,
    programme_months,
    project_measures,
    rollup,
)
from keyworks.reporting.registry import headline

from . import js_labels
from .views import cached_json

WEEKS = 12
CENT = Decimal("0.01")


def money(value) -> str:
    """万元 as a string with 2 decimals (the database may drop trailing zeros)."""
    return str(Decimal(value or 0).quantize(CENT, ROUND_HALF_UP))


def parse_month(value: str | None, programme) -> datetime.date:
    """The month asked for, else the programme's default; a bad or far month answers 400."""
    return page_month(value, lambda: default_month(programme))


def link(name: str, programme, **params) -> str:
    query = {"programme": programme.code, **{k: v for k, v in params.items() if v is not None}}
    return f"{reverse(name)}?{urlencode(query)}"


def stage_counts(user, programme) -> dict[str, int]:
    """Projects per stage, through the ledger list's own filter (current ledger)."""
    qs = ProjectFilter(
        QueryDict(),
        queryset=Project.objects.restrict(user).filter(programme=programme),
        programme=programme,
    ).qs
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))
    return {value: counts.get(value, 0) for value in Stage.values}


def command_figures(request, programme, month):
    """The dashboard's (and the big screen's) figures: the registry's values
    (`reporting.registry.headline`), with links to the rows each one counts."""
    measures = project_measures(programme, month)
    h = headline(programme, month, user=request.user, measures=measures)
    stages = stage_counts(request.user, programme)
    month_text = f"{month:%Y-%m}"
    day = as_of_day(month)
    problems_open = {"state": "open", "as_of": day.isoformat()}
    problems_overdue = {**problems_open, "overdue": "on"}
    measures_url = link("reporting:measures", programme, month=month_text)
    figures = {
        "stages": [
            {
                "key": value,
                "label": label,
                "count": stages[value],
                "url": link("ledger:project_list", programme, stage=value),
            }
            for value, label in Stage.choices
        ],
        "projects": h["projects"],
        "paused": h["paused"],
        "ledger_url": link("ledger:project_list", programme),
        "completed": stages[Stage.COMPLETED],
        "completed_url": link("ledger:project_list", programme, stage=Stage.COMPLETED),
        "new_projects": h["new_projects"],
        "started": h["started"],
        "start_rate": percent(h["started"], h["new_projects"]),
        "annual_target": h["annual_target"],
        "ytd_completed": h["ytd_completed"],
        "completion_rate": h["completion_rate"],
        "elapsed": h["elapsed"],
        "measures_url": measures_url,
        "problems_open": h["problems_open"],
        "problems_open_url": link("coordination:problem_list", programme, **problems_open),
        "problems_overdue": h["problems_overdue"],
        "problems_overdue_url": link("coordination:problem_list", programme, **problems_overdue),
        "problems_as_of": day,
        "reports": [
            {"key": key, "label": TIMELINESS_LABELS[key], "count": h[f"reports_{key}"]}
            for key in (ON_TIME, LATE, MISSING, PENDING)
        ],
        "report_rate": h["report_rate"],
        "reports_url": link("reporting:report_list", programme, month=month_text),
    }
    return figures, measures


@login_required
def command_page(request):
    programme = current_programme(request)
    month = parse_month(request.GET.get("month"), programme)
    figures, _measures = command_figures(request, programme, month)
    months = [datetime.date(programme.year, m, 1) for m in range(1, 13)]
    context = {
        "month": month,
        "months": months,
        "f": figures,
        "data_url": link("dashboards:command_data", programme, month=f"{month:%Y-%m}"),
        "wide_layout": True,
        "js_labels": js_labels.command_labels(),
    }
    return render(request, "dashboards/command.html", context)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def problem_weeks(user, programme, day: datetime.date) -> dict:
    """Problems raised and closed per week (Monday–Sunday, Asia/Shanghai) over the
    `WEEKS` weeks up to `day`. Voided problems are left out, as in the problem list's
    measures. One query."""
    last = week_start(day)
    weeks = [last - datetime.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    start = datetime.datetime.combine(weeks[0], datetime.time(), tzinfo=SHANGHAI)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), SHANGHAI)
    raised = defaultdict(int)
    closed = defaultdict(int)
    rows = (
        Problem.objects.restrict(user)
        .filter(project__programme=programme, raised_at__lt=end)
        .filter(Q(raised_at__gte=start) | Q(closed_at__gte=start))
        .exclude(status=ProblemStatus.VOIDED)
        .values_list("raised_at", "closed_at", "status")
        .order_by()
    )
    for raised_at, closed_at, status in rows:
        if raised_at >= start:
            raised[week_start(raised_at.astimezone(SHANGHAI).date())] += 1
        if status == ProblemStatus.CLOSED and closed_at and start <= closed_at < end:
            closed[week_start(closed_at.astimezone(SHANGHAI).date())] += 1
    return {
        "weeks": [f"{w:%m-%d}" for w in weeks],
        "raised": [raised[w] for w in weeks],
        "closed": [closed[w] for w in weeks],
    }


@gzip_page  # chart data compresses ~5×; no secrets in it for BREACH to guess
@login_required
def command_data(request):
    """Chart data for the dashboard, constant queries whatever the number of projects.

    `s`: S-curve {months, plan, actual} (万元; plan = annual target × m/12, actual = the
    programme rollup's year-to-date accepted completion at each month's end);
    `district` / `category`: [[label, completion rate %, ytd, target], …] (rollups);
    `problems`: weekly {weeks, raised, closed}; `lights`: {districts, series:
    [{name, color, data}]} (projects per light per district)."""
    programme = current_programme(request)
    month = parse_month(request.GET.get("month"), programme)
    return cached_json(
        request, programme, "command", lambda: command_payload(request, programme, month)
    )


def command_payload(request, programme, month) -> dict:
    measures = project_measures(programme, month)
    total = rollup(measures, "programme")
    target = total[0].annual_target if total else None
    months, plan, actual = [], [], []
    series = revisions.reuse(  # moves only with accepted reports, targets, pauses, projects
        revisions.SERIES,
        ("series", month, local_today()),
        programme,
        lambda: programme_months(programme, month),
        topic="accepted",
    )
    for point in series:
        # English writes the month's abbreviation (%(abbr)s), Chinese its number.
        label = {"month": point.month.month, "abbr": f"{point.month:%b}"}
        months.append(_("%(month)s月") % label)
        plan.append(money(target * point.month.month / 12) if target else money(0))
        actual.append(money(point.ytd_completed))

    def rates(by):
        return [
            [
                r.label,
                str(r.completion_rate) if r.completion_rate is not None else None,
                money(r.ytd_completed),
                money(r.annual_target),
            ]
            for r in rollup(measures, by)
        ]

    lights = warning_lights.project_lights(programme, month, measures=measures)
    per_district: dict = {}
    for pk, m in measures.items():
        places = m.districts or [(None, _("未定位"), (1_000_000, "", 0))]
        for _rid, name, sort_key in places:
            entry = per_district.setdefault(
                name, [sort_key, dict.fromkeys(warning_lights.COLORS, 0)]
            )
            entry[1][lights[pk].color] += 1
    ordered = sorted(per_district.items(), key=lambda item: item[1][0])
    data = {
        "month": f"{month:%Y-%m}",
        "s": {"months": months, "plan": plan, "actual": actual},
        "district": rates("district"),
        "category": rates("category"),
        "problems": revisions.reuse(
            revisions.PROBLEM_WEEKS,
            ("weeks", request.user.pk, as_of_day(month)),
            programme,
            lambda: problem_weeks(request.user, programme, as_of_day(month)),
            topic="problems",
        ),
        "lights": {
            "districts": [name for name, _entry in ordered],
            "series": [
                {
                    "name": warning_lights.LABELS[color],
                    "color": warning_lights.HEX[color],
                    "data": [entry[1][color] for _name, entry in ordered],
                }
                for color in warning_lights.COLORS
            ],
        },
        "links": {
            "measures": link("reporting:measures", programme, month=f"{month:%Y-%m}"),
            "problems": link("coordination:problem_list", programme, state="all"),
        },
    }
    return data
