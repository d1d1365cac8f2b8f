"""Warning lights (红黄绿灯) per project and month, from the programme's `WarningRules`.

Every light explains itself: `Light.reasons` lists the rules that fired, with the numbers
behind them (for a green light, the figures that kept it green). A paused project gets a
grey light and no rule is applied to it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from keyworks.core.calendar import first_of_month

from .measures import LATE, MISSING, ON_TIME, ProjectMeasures, project_measures
from .models import WarningRules

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
COLORS = (GREEN, YELLOW, RED, GREY)
# Chinese, as other modules use them (charts, sheets); Light.label is in the active language.
LABELS = {
    GREEN: gettext_noop("绿灯"),
    YELLOW: gettext_noop("黄灯"),
    RED: gettext_noop("红灯"),
    GREY: gettext_noop("暂停"),
}
HEX = {GREEN: "#2fb344", YELLOW: "#f59f00", RED: "#d63939", GREY: "#868e96"}


@dataclass
class Light:
    color: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _(LABELS[self.color])

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
        if m.pause_review_date:
            reason = _("项目已暂停：%(reason)s（复核日期 %(review)s），不参与预警与考核") % {
                "reason": m.pause_reason,
                "review": f"{m.pause_review_date:%Y-%m-%d}",
            }
        else:
            reason = _("项目已暂停：%(reason)s，不参与预警与考核") % {"reason": m.pause_reason}
        return Light(GREY, [reason])
    red: list[str] = []
    yellow: list[str] = []
    fine: list[str] = []
    yellow_at, red_at = rules.yellow_lag_points, rules.red_lag_points
    if m.completion_rate is None:
        fine.append(_("未设年度计划投资，不按序时进度考核"))
    else:
        lag = m.elapsed - m.completion_rate
        values = {
            "rate": m.completion_rate,
            "elapsed": m.elapsed,
            "lag": lag,
            "yellow": number(yellow_at),
            "red": number(red_at),
        }
        if lag > red_at:
            red.append(
                _(
                    "完成率 %(rate)s%% 落后序时进度 %(elapsed)s%% 达 %(lag)s 个百分点"
                    "（红灯阈值 >%(red)s）"
                )
                % values
            )
        elif lag >= yellow_at:
            yellow.append(
                _(
                    "完成率 %(rate)s%% 落后序时进度 %(elapsed)s%% 达 %(lag)s 个百分点"
                    "（黄灯阈值 %(yellow)s–%(red)s）"
                )
                % values
            )
        else:
            fine.append(
                _("完成率 %(rate)s%%，序时进度 %(elapsed)s%%（落后不足 %(yellow)s 个百分点）")
                % values
            )
    for milestone in m.overdue_milestones:
        values = {
            "name": milestone.name,
            "planned": f"{milestone.planned_date:%Y-%m-%d}",
            "days": milestone.days,
            "limit": rules.red_milestone_days,
        }
        if milestone.days > rules.red_milestone_days:
            red.append(
                _(
                    "节点“%(name)s”计划 %(planned)s 完成，已逾期 %(days)s 天"
                    "（红灯阈值 >%(limit)s 天）"
                )
                % values
            )
        else:
            yellow.append(
                _("节点“%(name)s”计划 %(planned)s 完成，已逾期 %(days)s 天（黄灯：节点逾期）")
                % values
            )
    if not m.overdue_milestones:
        fine.append(_("无逾期节点"))
    values = {
        "month": _("%(year)s年%(month)s月") % {"year": m.month.year, "month": m.month.month},
        "due": f"{m.report_due:%Y-%m-%d}",
    }
    if m.report == MISSING and rules.red_on_missing_report:
        red.append(_("%(month)s月报截止 %(due)s 后仍未提交（红灯：截止日后未报）") % values)
    elif m.report == LATE and rules.yellow_on_late_report:
        yellow.append(_("%(month)s月报逾期提交（截止 %(due)s）（黄灯：月报逾期）") % values)
    elif m.report == ON_TIME:
        fine.append(_("%(month)s月报按时提交") % values)
    else:
        fine.append(_("%(month)s月报未到截止日（%(due)s）") % values)
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
