"""Scores and ranks for one two-month period, computed live from the measures.

Every figure comes from `reporting.measures` (project_measures, rollup: the one
implementation of the measures) and `coordination.measures` (problems solved on time).
For the period P = months M1, M2 (M0 = the month before M1, same year only):

- 投资完成: completion rate at the end of M2 against 序时进度 at the end of M2:
  weight × min(rate / 序时进度, 1).
- 节点按期: milestones planned in M1..M2 (year-to-date count at M2 minus at M0), the share
  done on time × weight.
- 问题按期: problems whose deadline falls in the period, the share closed (销号) by the
  deadline × weight (`coordination.measures.project_problem_timeliness`).
- 按时报送: the monthly reports of M1 and M2 already due, the share filed on time × weight.
- 核验差距: the on-site visits of M1 and M2 compared with a report (`verified`,
  `verified_reported` of the measures): weight × min(verified / reported, 1), i.e. the
  share of the reported year-to-date investment the inspectors confirmed. No visit in
  the period: full marks, shown as "暂无核验数据".
A part with nothing to judge scores full marks (nothing was missed). Each part is rounded
to 0.01 (half up) and the total is the sum of the rounded parts.

A group (task force, district) is scored from its summed figures (`rollup`), not from the
mean of its projects. Projects paused in M1 or M2 (`ProjectMeasures.paused`) are left
out of every table. Ties share a rank (1, 1, 3); ties are listed in ledger order.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from keyworks.coordination.measures import ProblemTimeliness, project_problem_timeliness
from keyworks.reporting.measures import (
    LATE,
    MISSING,
    ON_TIME,
    Rollup,
    elapsed_share,
    percent,
    project_measures,
    rollup,
    rollup_groups,  # the same grouping as `rollup`, for the problem counts
)
from keyworks.reporting.services import previous_month

from .models import PART_LABELS, PARTS
from .periods import Period

CENT = Decimal("0.01")
ZERO = Decimal("0")
DIMENSIONS = (
    ("task_force", "专班排名"),
    ("district", "县区排名"),
    ("project", "项目排名（按类别）"),
)
DIMENSION_LABELS = dict(DIMENSIONS)
NO_VERIFICATION = "暂无核验数据"


@dataclass
class Part:
    code: str
    weight: int
    score: Decimal
    figure: str  # what was measured, e.g. "按期 3/4"
    no_data: bool = False

    @property
    def label(self) -> str:
        return PART_LABELS[self.code]

    def as_json(self) -> dict:
        return {
            "weight": self.weight,
            "score": str(self.score),
            "figure": self.figure,
            "no_data": self.no_data,
        }

    @classmethod
    def from_json(cls, code: str, data: dict) -> "Part":
        return cls(
            code=code,
            weight=data["weight"],
            score=Decimal(data["score"]),
            figure=data["figure"],
            no_data=data["no_data"],
        )


@dataclass
class RankRow:
    key: str
    label: str
    total: Decimal
    parts: list[Part]
    sort_key: tuple = ()
    rank: int = 0
    previous_rank: int | None = None
    compared: bool = False  # is there a previous period to compare with?

    @property
    def movement(self) -> int | None:
        """Places gained since the previous period (negative = lost); None if new."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def movement_label(self) -> str:
        if not self.compared:
            return ""
        if self.previous_rank is None:
            return "新"
        moved = self.movement
        if moved > 0:
            return f"↑{moved}"
        if moved < 0:
            return f"↓{-moved}"
        return "—"

    def part(self, code: str) -> Part:
        return next(p for p in self.parts if p.code == code)


@dataclass
class Table:
    dimension: str
    group_key: str
    group_label: str
    rows: list[RankRow]
    red_count: int = 3
    black_count: int = 3

    @property
    def title(self) -> str:
        base = DIMENSION_LABELS[self.dimension]
        return f"{base} · {self.group_label}" if self.group_label else base

    @property
    def red(self) -> list[RankRow]:
        """红榜: the best `red_count` rows."""
        return self.rows[: self.red_count]

    @property
    def black(self) -> list[RankRow]:
        """黑榜: the worst `black_count` rows (never one already on the red list)."""
        rest = self.rows[len(self.red) :]
        return rest[-self.black_count :] if self.black_count else []


@dataclass
class Figures:
    """A scored unit's figures for the period."""

    completion_rate: Decimal | None
    elapsed: Decimal
    ytd_completed: Decimal = ZERO
    annual_target: Decimal = ZERO
    milestones_due: int = 0
    milestones_on_time: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    problems: ProblemTimeliness = field(default_factory=ProblemTimeliness)
    verified: Decimal = ZERO  # over the visits compared with a report
    verified_reported: Decimal = ZERO


def _share(weight: int, done: int, due: int, verb: str) -> Part:
    if not due:
        return Part("", weight, Decimal(weight).quantize(CENT), "无考核事项（满分）", True)
    score = (Decimal(weight) * done / due).quantize(CENT, ROUND_HALF_UP)
    return Part("", weight, score, f"{verb} {done}/{due}")


def score_parts(f: Figures, weights: dict[str, int]) -> list[Part]:
    w = weights["investment"]
    if f.completion_rate is None or not f.elapsed:
        investment = Part("", w, Decimal(w).quantize(CENT), "无年度投资目标（满分）", True)
    else:
        ratio = min(f.completion_rate / f.elapsed, Decimal(1))
        investment = Part(
            "",
            w,
            (Decimal(w) * ratio).quantize(CENT, ROUND_HALF_UP),
            f"完成率 {f.completion_rate}%（序时 {f.elapsed}%）",
        )
    parts = {
        "investment": investment,
        "milestones": _share(weights["milestones"], f.milestones_on_time, f.milestones_due, "按期"),
        "problems": _share(weights["problems"], f.problems.on_time, f.problems.due, "按期"),
        "reports": _share(weights["reports"], f.reports_on_time, f.reports_due, "按时"),
        "verification": _verification(weights["verification"], f),
    }
    out = []
    for code, _label, _w in PARTS:
        part = parts[code]  # built without its code (shared helpers); a plain copy is cheap
        out.append(Part(code, part.weight, part.score, part.figure, part.no_data))
    return out


def _verification(weight: int, f: Figures) -> Part:
    confirmed = percent(f.verified, f.verified_reported)
    if confirmed is None:
        return Part("", weight, Decimal(weight).quantize(CENT), NO_VERIFICATION, True)
    ratio = min(confirmed / 100, Decimal(1))
    return Part(
        "",
        weight,
        (Decimal(weight) * ratio).quantize(CENT, ROUND_HALF_UP),
        f"核实 {f.verified}/{f.verified_reported} 万元（{confirmed}%）",
    )


def figures_of(r2: Rollup, r1: Rollup | None, r0: Rollup | None, problems, elapsed) -> Figures:
    reports_due = reports_on_time = 0
    verified = verified_reported = ZERO
    for r in (r1, r2):
        if r is not None:
            reports_due += r.reports[ON_TIME] + r.reports[LATE] + r.reports[MISSING]
            reports_on_time += r.reports[ON_TIME]
            verified += r.verified
            verified_reported += r.verified_reported
    return Figures(
        completion_rate=r2.completion_rate,
        elapsed=elapsed,
        ytd_completed=r2.ytd_completed,
        annual_target=r2.annual_target,
        milestones_due=r2.milestones_due - (r0.milestones_due if r0 else 0),
        milestones_on_time=r2.milestones_on_time - (r0.milestones_on_time if r0 else 0),
        reports_due=reports_due,
        reports_on_time=reports_on_time,
        problems=problems or ProblemTimeliness(),
        verified=verified,
        verified_reported=verified_reported,
    )


def rank(rows: list[RankRow]) -> list[RankRow]:
    """Best total first; equal totals share a rank (1, 1, 3)."""
    rows = sorted(rows, key=lambda r: (-r.total, r.sort_key))
    for position, row in enumerate(rows):
        if position and row.total == rows[position - 1].total:
            row.rank = rows[position - 1].rank
        else:
            row.rank = position + 1
    return rows


def _key(value) -> str:
    return "" if value is None else str(value)


@dataclass
class PeriodData:
    """The measures of a period, paused projects already left out."""

    m2: dict
    m1: dict
    m0: dict | None
    problems: dict[int, ProblemTimeliness]
    elapsed: Decimal


def period_data(programme, period: Period, now: datetime.datetime | None = None) -> PeriodData:
    # Measures are asked for with the caller's `now` (None: the present, and then reused
    # until the data changes — see reporting.measures.cached).
    m2 = project_measures(programme, period.last, now=now)
    m1 = project_measures(programme, period.first, now=now)
    kept = {pk for pk, m in m2.items() if not m.paused and pk in m1 and not m1[pk].paused}
    m0 = None
    if period.index > 1:
        before = project_measures(programme, previous_month(period.first), now=now)
        # M0 only serves as the year-to-date baseline; a pause back then does not matter.
        m0 = {pk: dataclasses.replace(m, paused=False) for pk, m in before.items() if pk in kept}
    return PeriodData(
        m2={pk: m for pk, m in m2.items() if pk in kept},
        m1={pk: m for pk, m in m1.items() if pk in kept},
        m0=m0,
        problems=project_problem_timeliness(
            programme, period.start, period.end, now=now or timezone.now()
        ),
        elapsed=elapsed_share(period.last),
    )


def _group_rows(data: PeriodData, by: str, weights) -> list[RankRow]:
    r1 = {g.key: g for g in rollup(data.m1, by)}
    r0 = {g.key: g for g in rollup(data.m0, by)} if data.m0 is not None else {}
    problems: dict = {}
    for pk, m in data.m2.items():
        for key, _label, _sort in rollup_groups(m, by):
            problems.setdefault(key, ProblemTimeliness()).add(
                data.problems.get(pk, ProblemTimeliness())
            )
    rows = []
    for g in rollup(data.m2, by):
        figures = figures_of(g, r1.get(g.key), r0.get(g.key), problems.get(g.key), data.elapsed)
        parts = score_parts(figures, weights)
        rows.append(RankRow(_key(g.key), g.label, sum(p.score for p in parts), parts, g.sort_key))
    return rank(rows)


def _project_tables(data: PeriodData, weights, red, black) -> list[Table]:
    by_category: dict = {}
    for pk, m in data.m2.items():
        rollups = []
        for month in (data.m2, data.m1, data.m0):
            if month is None or pk not in month:
                rollups.append(None)
                continue
            r = Rollup(key=pk, label=m.name)
            r.add(month[pk])
            rollups.append(r)
        figures = figures_of(*rollups, data.problems.get(pk), data.elapsed)
        parts = score_parts(figures, weights)
        row = RankRow(_key(pk), m.name, sum(p.score for p in parts), parts, (m.seq, pk))
        group = by_category.setdefault(
            m.category_id, ((m.category_sort, m.category_id or 0), m.category, [])
        )
        group[2].append(row)
    return [
        Table("project", _key(category_id), label, rank(rows), red, black)
        for category_id, (_sort, label, rows) in sorted(
            by_category.items(), key=lambda item: item[1][0]
        )
    ]


def compute(
    programme, period: Period, scheme: dict, *, now: datetime.datetime | None = None
) -> dict[str, list[Table]]:
    """The period's tables per dimension, computed from today's data."""
    data = period_data(programme, period, now)
    weights, red, black = scheme["weights"], scheme["red"], scheme["black"]
    return {
        "task_force": [
            Table("task_force", "", "", _group_rows(data, "task_force", weights), red, black)
        ],
        "district": [Table("district", "", "", _group_rows(data, "district", weights), red, black)],
        "project": _project_tables(data, weights, red, black),
    }
