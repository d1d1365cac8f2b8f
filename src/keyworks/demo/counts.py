"""What `keyworks demo` and `keyworks synth` report having created, in the active language.

The loaders count rows under plain keys ("projects", "district_users", and those the apps'
own `demo.py` add); the keys stay as they are in the audit record, and are named here
for the console (with a context of their own: the same words elsewhere are singular
headings). A key without a name is shown as it is.
"""

from collections.abc import Mapping

from django.utils.translation import pgettext, pgettext_lazy

NAMES = {
    "agenda_items": pgettext_lazy("demo count", "议题"),
    "annual_target_items": pgettext_lazy("demo count", "目标条目"),
    "annual_targets": pgettext_lazy("demo count", "年度目标"),
    "categories": pgettext_lazy("demo count", "项目类别"),
    "decision_events": pgettext_lazy("demo count", "议定事项督办记录"),
    "decisions": pgettext_lazy("demo count", "议定事项"),
    "district_categories": pgettext_lazy("demo count", "区级计划项目类别"),
    "district_members": pgettext_lazy("demo count", "区级计划专班成员"),
    "district_milestones": pgettext_lazy("demo count", "区级计划节点"),
    "district_programmes": pgettext_lazy("demo count", "区级计划"),
    "district_projects": pgettext_lazy("demo count", "区级计划项目"),
    "district_reports": pgettext_lazy("demo count", "区级计划月报"),
    "district_roles": pgettext_lazy("demo count", "区级计划角色"),
    "district_task_forces": pgettext_lazy("demo count", "区级计划专班"),
    "district_users": pgettext_lazy("demo count", "区级计划账号"),
    "factor_events": pgettext_lazy("demo count", "要素保障变更记录"),
    "factor_items": pgettext_lazy("demo count", "要素保障事项"),
    "meetings": pgettext_lazy("demo count", "周调度会"),
    "members": pgettext_lazy("demo count", "专班成员"),
    "milestone_durations": pgettext_lazy("demo count", "节点工期"),
    "milestones": pgettext_lazy("demo count", "节点"),
    "pauses": pgettext_lazy("demo count", "暂停"),
    "problem_events": pgettext_lazy("demo count", "问题办理记录"),
    "problems": pgettext_lazy("demo count", "问题"),
    "programmes": pgettext_lazy("demo count", "计划"),
    "progress_updates": pgettext_lazy("demo count", "进度更新"),
    "projects": pgettext_lazy("demo count", "项目"),
    "ranking rows": pgettext_lazy("demo count", "排名行"),
    "ranking snapshots": pgettext_lazy("demo count", "已发布排名"),
    "regions": pgettext_lazy("demo count", "区域"),
    "reports": pgettext_lazy("demo count", "月报"),
    "roles": pgettext_lazy("demo count", "角色"),
    "task events": pgettext_lazy("demo count", "督办记录"),
    "task_forces": pgettext_lazy("demo count", "专班"),
    "tasks": pgettext_lazy("demo count", "督办事项"),
    "units": pgettext_lazy("demo count", "单位"),
    "users": pgettext_lazy("demo count", "账号"),
    "visit_photos": pgettext_lazy("demo count", "核验照片"),
    "visits": pgettext_lazy("demo count", "实地核验"),
}


def describe(created: Mapping[str, int]) -> str:
    """「项目 30，月报 270」: each count after its name, in the order of the keys."""
    separator = pgettext("between the counts of a list", "，")
    return separator.join(f"{NAMES.get(key, key)} {n}" for key, n in sorted(created.items()))
