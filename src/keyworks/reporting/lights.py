"""Warning lights (红黄绿灯) per project and month, from the programme's `WarningRules`.

Every light explains itself: `Light.reasons` lists the rules that fired, with the numbers
behind them (for a green light, the figures that kept it green). A paused project gets a
grey light and no rule is applied to it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from keyworks.core.calendar import first_of_month

from .measures import LATE, MISSING, ON_TIME, ProjectMeasures, project_measures
from .models import WarningRules

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
COLORS = (GREEN, YELLOW, RED, GREY)
LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", GREY: "暂停"}
HEX = {GREEN: "#2fb344", YELLOW: "#f59f00", RED: "#d63939", GREY: "#868e96"}


@dataclass
class Light:
    color: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.color]

    @property
    def hex(self) -> str:
        return HEX[self.color]


def number(value: Decimal) -> str:
    """10 → '10', 12.5 → '12.5' (thresholds as people write them)."""
    text = f"{Decimal(value).normalize():f}"
    return text


def light_for(m: ProjectMeasures, rules: WarningRules) -> Light:
    """The light of one project's measures under `rules`."""
    if m.paused:
        reason = f"项目已暂停：{m.pause_reason}"
        if m.pause_review_date:
            reason += f"（复核日期 {m.pause_review_date:%Y-%m-%d}）"
        return Light(GREY, [reason + "，不参与预警与考核"])
    red: list[str] = []
    yellow: list[str] = []
    fine: list[str] = []
    yellow_at, red_at = rules.yellow_lag_points, rules.red_lag_points
    if m.completion_rate is None:
        fine.append("未设年度计划投资，不按序时进度考核")
    else:
        lag = m.elapsed - m.completion_rate
        said = f"完成率 {m.completion_rate}% 落后序时进度 {m.elapsed}% 达 {lag} 个百分点"
        if lag > red_at:
            red.append(f"{said}（红灯阈值 >{number(red_at)}）")
        elif lag >= yellow_at:
            yellow.append(f"{said}（黄灯阈值 {number(yellow_at)}–{number(red_at)}）")
        else:
            fine.append(
                f"完成率 {m.completion_rate}%，序时进度 {m.elapsed}%"
                f"（落后不足 {number(yellow_at)} 个百分点）"
            )
    for milestone in m.overdue_milestones:
        said = (
            f"节点“{milestone.name}”计划 {milestone.planned_date:%Y-%m-%d} 完成，"
            f"已逾期 {milestone.days} 天"
        )
        if milestone.days > rules.red_milestone_days:
            red.append(f"{said}（红灯阈值 >{rules.red_milestone_days} 天）")
        else:
            yellow.append(f"{said}（黄灯：节点逾期）")
    if not m.overdue_milestones:
        fine.append("无逾期节点")
    month = f"{m.month.year}年{m.month.month}月"
    due = f"{m.report_due:%Y-%m-%d}"
    if m.report == MISSING and rules.red_on_missing_report:
        red.append(f"{month}月报截止 {due} 后仍未提交（红灯：截止日后未报）")
    elif m.report == LATE and rules.yellow_on_late_report:
        yellow.append(f"{month}月报逾期提交（截止 {due}）（黄灯：月报逾期）")
    elif m.report == ON_TIME:
        fine.append(f"{month}月报按时提交")
    else:
        fine.append(f"{month}月报未到截止日（{due}）")
    red.extend(m.disputes)  # an open disputed on-site verification (fieldwork)
    if red:
        return Light(RED, red + yellow)
    if yellow:
        return Light(YELLOW, yellow)
    return Light(GREEN, fine)


def project_lights(
    programme,
    month: datetime.date,
    *,
    measures: dict[int, ProjectMeasures] | None = None,
    now: datetime.datetime | None = None,
    keep: bool = False,
) -> dict[int, Light]:
    """{project id: Light} for the programme's current projects in `month`.

    Pass `measures` from `project_measures` (same month and `now`) to reuse them; the
    lights are judged from them as they are read (they move with the clock). `keep`: see
    `project_measures` (the lights are kept with the measures)."""
    month = first_of_month(month)
    if measures is not None:
        rows = measures
    else:
        rows = project_measures(programme, month, now=now, keep=keep)
    snapshot = getattr(rows, "snapshot", None)
    if snapshot is not None and (now is None or keep):  # judged once per change, here
        return snapshot.lights_for(rows)
    rules = WarningRules.for_programme(programme)
    return {pk: light_for(m, rules) for pk, m in rows.items()}


def count_lights(lights: dict[int, Light]) -> dict[str, int]:
    counts = dict.fromkeys(COLORS, 0)
    for light in lights.values():
        counts[light.color] += 1
    return counts
