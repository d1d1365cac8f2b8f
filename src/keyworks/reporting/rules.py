"""The office's settings for a programme's warning lights (`WarningRules`) and its monthly
report due day (`Programme.report_due_day`): validated, audited, and guarded against two
people editing at once.

Neither row carries a version, so the edit form carries a fingerprint of the values it
was opened with; a save whose fingerprint no longer matches the stored values is refused.
"""

import hashlib
import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
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
    message = gettext_lazy(
        "预警规则已被他人修改，您的修改未保存。下方为最新规则，请核对后重新填写。"
    )


def current_values(programme: Programme, rules: WarningRules) -> dict:
    values = {field: getattr(rules, field) for field in RULE_FIELDS}
    values["report_due_day"] = programme.report_due_day
    return values


def fingerprint(values: dict) -> str:
    """A short digest of the values (decimals normalised so 10 and 10.0 agree)."""
    plain = {
        k: (str(Decimal(v).normalize()) if isinstance(v, Decimal) else v)
        for k, v in sorted(values.items())
    }
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:16]


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


@transaction.atomic
def save_rules(programme: Programme, values: dict, *, by, expected: str) -> WarningRules:
    """Store the office's rules and due day; `expected` is the form's fingerprint."""
    require_edit_warning_rules(by, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    rules = WarningRules.objects.select_for_update().filter(programme=programme).first()
    created = rules is None
    if created:
        rules = WarningRules(programme=programme)
    if fingerprint(current_values(programme, rules)) != expected:
        raise ConcurrentEditError()
    check(values)
    before = snapshot(rules, list(RULE_FIELDS))
    for field in RULE_FIELDS:
        setattr(rules, field, values[field])
    rules.full_clean()
    b, a = diff(before, snapshot(rules, list(RULE_FIELDS)))
    if created or a:
        rules.save()
        record_change(
            by=by,
            action="create" if created else "update",
            obj=rules,
            before=None if created else b,
            after=snapshot(rules, list(RULE_FIELDS)) if created else a,
            programme_id=programme.pk,
        )
    day = values["report_due_day"]
    if day != programme.report_due_day:
        old = programme.report_due_day
        programme.report_due_day = day
        programme.save(update_fields=["report_due_day"])
        record_change(
            by=by,
            action="update",
            obj=programme,
            before={"report_due_day": old},
            after={"report_due_day": day},
            programme_id=programme.pk,
        )
    return rules


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
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)

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
