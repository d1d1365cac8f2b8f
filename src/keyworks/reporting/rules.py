"""The office's settings for a programme's warning lights (`WarningRules`) and its monthly
report due day (`Programme.report_due_day`): the fields, the checks across them and the
form. The save (`services.save_rules`) is audited and guarded against two people editing
at once by the rules' `version`, which every save of the page moves (the due day
included: this page is the only place it is set). A programme without rules yet is at
version 0 (the defaults, not stored).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.core.forms import style_fields
from keyworks.ledger.models import Programme

from .models import WarningRules

RULE_FIELDS = (
    "yellow_lag_points",
    "red_lag_points",
    "red_milestone_days",
    "yellow_on_late_report",
    "red_on_missing_report",
)
MAX_DUE_DAY = 28  # every month has it, so the due day never moves


def current_values(programme: Programme, rules: WarningRules) -> dict:
    values = {field: getattr(rules, field) for field in RULE_FIELDS}
    values["report_due_day"] = programme.report_due_day
    return values


def version_of(rules: WarningRules) -> int:
    """The version the page shows: 0 for the defaults of a programme with no stored rules."""
    return rules.version if rules.pk else 0


def check(values: dict) -> None:
    """The rules across fields (ranges are checked by the fields themselves)."""
    errors = {}
    yellow, red = values.get("yellow_lag_points"), values.get("red_lag_points")
    if yellow is not None and red is not None and red <= yellow:
        errors["red_lag_points"] = _("红灯阈值须大于黄灯阈值")
    for field in ("yellow_lag_points", "red_lag_points", "red_milestone_days"):
        value = values.get(field)
        if value is not None and value < 0:
            errors[field] = _("不能为负数")
    day = values.get("report_due_day")
    if day is not None and not 1 <= day <= MAX_DUE_DAY:
        errors["report_due_day"] = _("月报截止日应为每月 1–%(max)s 日") % {"max": MAX_DUE_DAY}
    if errors:
        raise ValidationError(errors)


class RulesForm(forms.Form):
    report_due_day = forms.IntegerField(
        label=gettext_lazy("月报截止日（次月几日）"),
        min_value=1,
        max_value=MAX_DUE_DAY,
        help_text=gettext_lazy("每月报告上月情况的截止日，北京时间当日 24 时前"),
    )
    yellow_lag_points = forms.DecimalField(
        label=gettext_lazy("黄灯：完成率落后序时进度（百分点）起"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    red_lag_points = forms.DecimalField(
        label=gettext_lazy("红灯：落后序时进度超过（百分点）"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    red_milestone_days = forms.IntegerField(
        label=gettext_lazy("红灯：节点逾期超过（天）"), min_value=0, max_value=3650
    )
    yellow_on_late_report = forms.BooleanField(
        label=gettext_lazy("月报逾期提交亮黄灯"), required=False
    )
    red_on_missing_report = forms.BooleanField(
        label=gettext_lazy("截止日后仍未报亮红灯"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        data = super().clean()
        try:
            check(data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return data
