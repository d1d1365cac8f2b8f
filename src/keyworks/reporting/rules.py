"""The office's settings for a programme's warning lights (`WarningRules`) and its monthly
report due day (`Programme.report_due_day`): validated, audited, and guarded against two
people editing at once by the rules' `version`, which every save of the page moves (the
due day included: this page is the only place it is set). A programme without rules yet
is at version 0 (the defaults, not stored).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version, insert_first
from keyworks.core.forms import style_fields
from keyworks.ledger.models import Programme

from .models import WarningRules
from .permissions import require_edit_warning_rules

RULE_FIELDS = (
    "yellow_lag_points",
    "red_lag_points",
    "red_milestone_days",
    "yellow_on_late_report",
    "red_on_missing_report",
)
MAX_DUE_DAY = 28  # every month has it, so the due day never moves


class ConcurrentEditError(BaseConcurrentEditError):
    message = (
        "预警规则已被他人修改，您的修改未保存。下方为最新规则，请核对后重新填写。"
        " / The warning rules were changed by someone else since you opened them; nothing"
        " was saved. The current rules are shown below."
    )


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
        errors["red_lag_points"] = (
            "红灯阈值须大于黄灯阈值 / The red threshold must be above the yellow one"
        )
    for field in ("yellow_lag_points", "red_lag_points", "red_milestone_days"):
        value = values.get(field)
        if value is not None and value < 0:
            errors[field] = "不能为负数 / Cannot be negative"
    day = values.get("report_due_day")
    if day is not None and not 1 <= day <= MAX_DUE_DAY:
        errors["report_due_day"] = (
            f"月报截止日应为每月 1–{MAX_DUE_DAY} 日 / The due day must be 1–{MAX_DUE_DAY}"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_rules(
    programme: Programme, values: dict, *, by, expected_version: int | None
) -> WarningRules:
    """Store the office's rules and due day; `expected_version` is the version the form
    was opened at (`version_of`; None skips the check)."""
    require_edit_warning_rules(by, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    rules = WarningRules.objects.select_for_update().filter(programme=programme).first()
    created = rules is None
    if created:
        rules = WarningRules(programme=programme, version=0)  # what the form showed
    check_version(rules, expected_version, ConcurrentEditError)
    check(values)
    before = snapshot(rules, list(RULE_FIELDS))
    for field in RULE_FIELDS:
        setattr(rules, field, values[field])
    rules.full_clean(exclude=["programme", "version"])
    b, a = diff(before, snapshot(rules, list(RULE_FIELDS)))
    day = values["report_due_day"]
    old_day = programme.report_due_day
    if not (created or a or day != old_day):
        return rules  # nothing changed: the version stays
    rules.version += 1
    if not created:
        rules.save()
    elif not insert_first(rules, expected_version, ConcurrentEditError):
        raise ConcurrentEditError()  # stored meanwhile by someone the user has not seen
    if created or a:
        record_change(
            by=by,
            action="create" if created else "update",
            obj=rules,
            before=None if created else b,
            after=snapshot(rules, list(RULE_FIELDS)) if created else a,
            programme_id=programme.pk,
        )
    if day != old_day:
        programme.report_due_day = day
        programme.save(update_fields=["report_due_day"])
        record_change(
            by=by,
            action="update",
            obj=programme,
            before={"report_due_day": old_day},
            after={"report_due_day": day},
            programme_id=programme.pk,
        )
    return rules


class RulesForm(forms.Form):
    report_due_day = forms.IntegerField(
        label="月报截止日（次月几日）",
        min_value=1,
        max_value=MAX_DUE_DAY,
        help_text="每月报告上月情况的截止日，北京时间当日 24 时前 / Day of the following month",
    )
    yellow_lag_points = forms.DecimalField(
        label="黄灯：完成率落后序时进度（百分点）起",
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    red_lag_points = forms.DecimalField(
        label="红灯：落后序时进度超过（百分点）",
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    red_milestone_days = forms.IntegerField(
        label="红灯：节点逾期超过（天）", min_value=0, max_value=3650
    )
    yellow_on_late_report = forms.BooleanField(label="月报逾期提交亮黄灯", required=False)
    red_on_missing_report = forms.BooleanField(label="截止日后仍未报亮红灯", required=False)
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
