"""Change records as people read them: field names in Chinese, actions by name, phones
hidden from those who may not see contacts."""

import functools
import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "create": gettext_lazy("新建"),
    "update": gettext_lazy("修改"),
    "archive": gettext_lazy("归档"),
    "restore": gettext_lazy("恢复"),
    "delete": gettext_lazy("删除"),
    "import": gettext_lazy("导入"),
    "assign_role": gettext_lazy("分配角色"),
    "revoke_role": gettext_lazy("撤销角色"),
    "set_password": gettext_lazy("重置密码"),
    "create_token": gettext_lazy("创建令牌"),
    "revoke_token": gettext_lazy("撤销令牌"),
    "submit": gettext_lazy("提交"),
    "review": gettext_lazy("县区审核"),
    "accept": gettext_lazy("采纳"),
    "return": gettext_lazy("退回"),
    "request_correction": gettext_lazy("申请更正"),
    "approve_correction": gettext_lazy("批准更正"),
    "reject_correction": gettext_lazy("驳回更正"),
    "carry_report": gettext_lazy("月报计入台账"),
    "since_start": gettext_lazy("开工累计按口径核定"),
    "import_boundary": gettext_lazy("导入边界"),
    "revise": gettext_lazy("修订"),
    "edit": gettext_lazy("修改"),
    "raise": gettext_lazy("提出"),
    "raise_problem": gettext_lazy("转为问题"),
    "assign": gettext_lazy("交办"),
    "note": gettext_lazy("办理情况"),
    "resolve": gettext_lazy("办结"),
    "close": gettext_lazy("销号"),
    "escalate": gettext_lazy("升级"),
    "void": gettext_lazy("作废"),
    "flag": gettext_lazy("纪检线索"),
    "issue": gettext_lazy("下达"),
    "answer": gettext_lazy("答复"),
    "confirm": gettext_lazy("确认"),
    "done": gettext_lazy("报告完成"),
    "reorder": gettext_lazy("调整顺序"),
    "pause": gettext_lazy("暂停"),
    "resume": gettext_lazy("恢复"),
    "publish": gettext_lazy("发布"),
    "create_screen_link": gettext_lazy("创建大屏链接"),
    "revoke_screen_link": gettext_lazy("撤销大屏链接"),
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
