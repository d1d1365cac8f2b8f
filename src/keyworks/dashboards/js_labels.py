"""The words the dashboards' scripts write (chart legends, tooltips, summaries), translated
for the page and handed to the script as JSON (`{{ js_labels|json_script:"dashboards-labels" }}`).
A script fills in the `%(name)s` placeholders itself (see `label` in each script)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def command_labels() -> dict:
    return {
        "rate_tip": _("%(name)s<br>完成率 %(rate)s<br>完成 %(done)s / 目标 %(target)s 万元"),
        "plan": _("计划"),
        "actual": _("实际"),
        "wan": _("万元"),
        "raised": _("新增"),
        "closed": pgettext("chart", "销号"),
        "png_name": _("指挥中心-%(month)s.png"),
    }


def map_labels() -> dict:
    return {
        "region_tip": _(
            "%(name)s<br>项目 %(count)s 个<br>总投资 %(total)s 万元<br>完成投资 %(done)s 万元"
        ),
        "cluster_tip": _("%(count)s 个项目（点击放大）"),
        "thin_tip": _("项目 #%(id)s（点击查看详情）"),
        "point_tip": _("%(name)s<br>%(stage)s · 总投资 %(total)s 万元 · 完成 %(pct)s%"),
        "summary": _("%(n)s 个项目，已定位 %(placed)s 个"),
    }


def schedule_labels() -> dict:
    return {
        "derived_note": _("（倒排推算）"),
        "bar_tip": _(
            "%(name)s<br>计划 %(from)s ～ %(to)s%(how)s<br>实际 %(actual_from)s ～ %(actual_to)s"
        ),
        "derived_tip": _(
            "%(row)s<br>%(name)s<br>倒排推算 %(derived)s（录入计划 %(planned)s）"
            "<br>按计划竣工日期倒排推算"
        ),
        "point_tip": _("%(row)s<br>%(name)s<br>计划 %(planned)s · 实际 %(actual)s<br>%(state)s"),
        "planned": _("计划"),
        "actual": _("实际"),
        "today": _("今天 %(date)s"),
        "derived": _("倒排推算"),
        "actual_date": _("实际完成"),
        "summary": _("%(n)s 个项目，逾期节点 %(overdue)s 个"),
        "pager": _("第 %(page)s/%(pages)s 页，共 %(count)s 个项目"),
    }


def screen_labels() -> dict:
    return {"region_tip": _("%(name)s<br>项目 %(count)s 个")}
