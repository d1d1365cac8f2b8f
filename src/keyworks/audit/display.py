"""Change records as people read them: field names in Chinese, actions by name, phones
hidden from those who may not see contacts."""

import functools
import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

ACTION_LABELS = {
    "create": pgettext_lazy("change log", "新建"),
    "update": pgettext_lazy("change log", "修改"),
    "archive": pgettext_lazy("change log", "归档"),
    "restore": pgettext_lazy("change log", "恢复"),
    "delete": pgettext_lazy("change log", "删除"),
    "import": pgettext_lazy("change log", "导入"),
    "assign_role": pgettext_lazy("change log", "分配角色"),
    "revoke_role": pgettext_lazy("change log", "撤销角色"),
    "set_password": pgettext_lazy("change log", "重置密码"),
    "create_token": pgettext_lazy("change log", "创建令牌"),
    "revoke_token": pgettext_lazy("change log", "撤销令牌"),
    "submit": pgettext_lazy("change log", "提交"),
    "review": pgettext_lazy("change log", "县区审核"),
    "accept": pgettext_lazy("change log", "采纳"),
    "return": pgettext_lazy("change log", "退回"),
    "request_correction": pgettext_lazy("change log", "申请更正"),
    "approve_correction": pgettext_lazy("change log", "批准更正"),
    "reject_correction": pgettext_lazy("change log", "驳回更正"),
    "carry_report": pgettext_lazy("change log", "月报计入台账"),
    "since_start": pgettext_lazy("change log", "开工累计按口径核定"),
    "import_boundary": pgettext_lazy("change log", "导入边界"),
    "revise": pgettext_lazy("change log", "修订"),
    "edit": pgettext_lazy("change log", "修改"),
    "raise": pgettext_lazy("change log", "提出"),
    "raise_problem": pgettext_lazy("change log", "转为问题"),
    "assign": pgettext_lazy("change log", "交办"),
    "note": pgettext_lazy("change log", "办理情况"),
    "resolve": pgettext_lazy("change log", "办结"),
    "close": pgettext_lazy("change log", "销号"),
    "escalate": pgettext_lazy("change log", "升级"),
    "void": pgettext_lazy("change log", "作废"),
    "flag": pgettext_lazy("change log", "纪检线索"),
    "issue": pgettext_lazy("change log", "下达"),
    "answer": pgettext_lazy("change log", "答复"),
    "confirm": pgettext_lazy("change log", "确认"),
    "done": pgettext_lazy("change log", "报告完成"),
    "reorder": pgettext_lazy("change log", "调整顺序"),
    "pause": pgettext_lazy("change log", "暂停"),
    "resume": pgettext_lazy("change log", "恢复"),
    "publish": pgettext_lazy("change log", "发布"),
    "create_screen_link": pgettext_lazy("change log", "创建大屏链接"),
    "revoke_screen_link": pgettext_lazy("change log", "撤销大屏链接"),
}
CONTACT_KEYS = {"phone"}


@functools.cache
def _plural_names() -> dict[str, str]:
    """model name ("agendaitem") -> its plural Chinese name, for count keys."""
    return {m._meta.model_name: str(m._meta.verbose_name_plural) for m in apps.get_models()}


def field_label(object_type: str, name: str) -> str:
    """The field's Chinese name; for a reverse relation (an import's summary counts
    `projects`, `categories`), the related model's plural name; for another count key
    named after a model (`agenda_items`), that model's plural name; else the key itself."""
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError):
        return name
    except FieldDoesNotExist:
        singular = name.replace("_", "").removesuffix("s")
        return _plural_names().get(singular, name)
    label = getattr(field, "verbose_name", None)
    if label is None and field.related_model is not None:
        label = field.related_model._meta.verbose_name_plural
    return str(label or name)


def shown(value):
    """A recorded value as the log shows it: structures as compact JSON, not Python."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def history_rows(records, *, show_contacts: bool) -> list[dict]:
    """Change records as rows of (field label, before, after) for display; phones are
    hidden from those who may not see contacts."""
    rows = []
    for record in records:
        keys = list((record.after or {}).keys() | (record.before or {}).keys())
        changes = []
        for key in sorted(keys):
            before = shown((record.before or {}).get(key))
            after = shown((record.after or {}).get(key))
            if key in CONTACT_KEYS and not show_contacts:
                before = after = _("（已隐藏）")
            changes.append(
                {"field": field_label(record.object_type, key), "before": before, "after": after}
            )
        rows.append(
            {
                "record": record,
                "action": ACTION_LABELS.get(record.action, record.action),
                "changes": changes,
            }
        )
    return rows
