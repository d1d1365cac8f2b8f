"""Scores and ranks for one two-month period, computed live from the measures.

Every figure comes from `reporting.measures` (project_measures: the one implementation
of the measures) and `coordination.measures` (problems solved on time).
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

A group (task force, district; grouped as `rollup` groups) is scored from the sum of its
projects' figures, not from the mean of their scores. Projects paused in M1 or M2
(`ProjectMeasures.paused`) are left out of every table. Ties share a rank (1, 1, 3); ties
are listed in ledger order.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext_lazy

from keyworks.coordination.measures import ProblemTimeliness, project_problem_timeliness
from keyworks.core.calendar import previous_month
from keyworks.reporting.measures import (
    LATE,
    MISSING,
    ON_TIME,
    elapsed_share,
    milestone_counts,
    percent,
    project_measures,
    rollup_groups,  # the groups `rollup` uses
)

from .models import PART_LABELS
from .periods import Period

CENT = Decimal("0.01")
ZERO = Decimal("0")
DIMENSIONS = (
    ("task_force", gettext_lazy("专班排名")),
    ("district", gettext_lazy("县区排名")),
    ("project", gettext_lazy("项目排名（按类别）")),
)
DIMENSION_LABELS = dict(DIMENSIONS)
NO_VERIFICATION = "暂无核验数据"


@dataclass(frozen=True)
class Part:
    code: str
    weight: int
    score: Decimal
    figure: str  # what was measured, e.g. "按期 3/4"
    no_data: bool = False

    @property
    def label(self) -> str:
        return str(PART_LABELS[self.code])

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
        base = str(DIMENSION_LABELS[self.dimension])
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
    """A scored unit's figures for the period: one project's, or a group's sum of them."""

    elapsed: Decimal
    ytd_completed: Decimal = ZERO
    annual_target: Decimal = ZERO
    milestones_due: int = 0
    milestones_on_time: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    problems_due: int = 0
    problems_on_time: int = 0
    verified: Decimal = ZERO  # over the visits compared with a report
    verified_reported: Decimal = ZERO

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.ytd_completed, self.annual_target)

    def add(self, other: "Figures") -> None:
        self.ytd_completed += other.ytd_completed
        self.annual_target += other.annual_target
        self.milestones_due += other.milestones_due
        self.milestones_on_time += other.milestones_on_time
        self.reports_due += other.reports_due
        self.reports_on_time += other.reports_on_time
        self.problems_due += other.problems_due
        self.problems_on_time += other.problems_on_time
        self.verified += other.verified
        self.verified_reported += other.verified_reported


# Parts are immutable and depend only on their arguments; at 10,000 projects most rows
# share them (a few hundred distinct shares, a thousand completion rates), so they are
# built once per distinct argument list.


@lru_cache(maxsize=1024)
def _full(code: str, weight: int, figure: str) -> Part:
    return Part(code, weight, Decimal(weight).quantize(CENT), figure, True)


@lru_cache(maxsize=8192)
def _share(code: str, weight: int, done: int, due: int, verb: str) -> Part:
    if not due:
        return _full(code, weight, "无考核事项（满分）")
    score = (Decimal(weight) * done / due).quantize(CENT, ROUND_HALF_UP)
    return Part(code, weight, score, f"{verb} {done}/{due}")


@lru_cache(maxsize=8192)
def _investment(weight: int, rate: Decimal | None, elapsed: Decimal) -> Part:
    if rate is None or not elapsed:
        return _full("investment", weight, "无年度投资目标（满分）")
    ratio = min(rate / elapsed, Decimal(1))
    return Part(
        "investment",
        weight,
        (Decimal(weight) * ratio).quantize(CENT, ROUND_HALF_UP),
        f"完成率 {rate}%（序时 {elapsed}%）",
    )


def _verification(weight: int, f: Figures) -> Part:
    confirmed = percent(f.verified, f.verified_reported)
    if confirmed is None:
        return _full("verification", weight, NO_VERIFICATION)
    ratio = min(confirmed / 100, Decimal(1))
    return Part(
        "verification",
        weight,
        (Decimal(weight) * ratio).quantize(CENT, ROUND_HALF_UP),
        f"核实 {f.verified:,}/{f.verified_reported:,} 万元（{confirmed}%）",
    )


def score_parts(f: Figures, weights: dict[str, int]) -> list[Part]:
    """The parts in the order of PARTS."""
    return [
        _investment(weights["investment"], f.completion_rate, f.elapsed),
        _share("milestones", weights["milestones"], f.milestones_on_time, f.milestones_due, "按期"),
        _share("problems", weights["problems"], f.problems_on_time, f.problems_due, "按期"),
        _share("reports", weights["reports"], f.reports_on_time, f.reports_due, "按时"),
        _verification(weights["verification"], f),
    ]


_JUDGED_REPORTS = (ON_TIME, LATE, MISSING)


def project_figures(pk: int, data: "PeriodData") -> Figures:
    """One project's figures: the year-to-date at M2, milestones of M1..M2 (year-to-date at
    M2 less at M0), the reports and visits of M1 and M2, the problems due in the period."""
    m2, m1 = data.m2[pk], data.m1[pk]
    due0, on_time0 = data.m0.get(pk, (0, 0)) if data.m0 is not None else (0, 0)
    f = Figures(
        elapsed=data.elapsed,
        ytd_completed=m2.ytd_completed,
        annual_target=m2.annual_target,
        milestones_due=m2.milestones_due - due0,
        milestones_on_time=m2.milestones_on_time - on_time0,
    )
    for m in (m1, m2):
        if m.report in _JUDGED_REPORTS:
            f.reports_due += 1
            f.reports_on_time += m.report == ON_TIME
        if m.verified is not None and m.verified_reported is not None:
            f.verified += m.verified
            f.verified_reported += m.verified_reported
    problems = data.problems.get(pk)
    if problems is not None:
        f.problems_due, f.problems_on_time = problems.due, problems.on_time
    return f


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
    m0: dict[int, tuple[int, int]] | None  # milestones (due, on time) year-to-date at M0
    problems: dict[int, ProblemTimeliness]
    elapsed: Decimal


def period_data(programme, period: Period, now: datetime.datetime | None = None) -> PeriodData:
    # Measures at the caller's `now` (None: the present), read from the stored figures.
    m2 = project_measures(programme, period.last, now=now)
    m1 = project_measures(programme, period.first, now=now)
    kept = {pk for pk, m in m2.items() if not m.paused and pk in m1 and not m1[pk].paused}
    m0 = None
    if period.index > 1:
        # M0 only serves as the milestones' year-to-date baseline (a pause back then does
        # not matter): its counts alone, not the whole month's measures.
        m0 = milestone_counts(programme, previous_month(period.first))
    return PeriodData(
        m2={pk: m for pk, m in m2.items() if pk in kept},
        m1={pk: m for pk, m in m1.items() if pk in kept},
        m0=m0,
        problems=project_problem_timeliness(
            programme, period.start, period.end, now=now or timezone.now()
        ),
        elapsed=elapsed_share(period.last),
    )


def _group_rows(data: PeriodData, by: str, weights, figures: dict[int, Figures]) -> list[RankRow]:
    """A row per group (`rollup_groups`), scored from the sum of its projects' figures."""
    groups: dict = {}
    for pk, m in data.m2.items():
        for key, label, sort_key in rollup_groups(m, by):
            group = groups.get(key)
            if group is None:
                group = groups[key] = (label, sort_key, Figures(elapsed=data.elapsed))
            group[2].add(figures[pk])
    rows = []
    for key, (label, sort_key, summed) in groups.items():
        parts = score_parts(summed, weights)
        rows.append(RankRow(_key(key), label, sum(p.score for p in parts), parts, sort_key))
    return rank(rows)


def _project_tables(data: PeriodData, weights, red, black, figures) -> list[Table]:
    by_category: dict = {}
    for pk, m in data.m2.items():
        parts = score_parts(figures[pk], weights)
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
    figures = {pk: project_figures(pk, data) for pk in data.m2}
    return {
        "task_force": [
            Table(
                "task_force",
                "",
                "",
                _group_rows(data, "task_force", weights, figures),
                red,
                black,
            )
        ],
        "district": [
            Table("district", "", "", _group_rows(data, "district", weights, figures), red, black)
        ],
        "project": _project_tables(data, weights, red, black, figures),
    }
