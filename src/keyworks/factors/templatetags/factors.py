"""`{% factor_section project %}`: the project page's factor guarantee card, so the ledger
view needs no change."""

from django import template
from django.db.models import prefetch_related_objects

from keyworks.core.calendar import local_today
from keyworks.factors.permissions import can_change_factor, can_edit_factors

register = template.Library()


@register.inclusion_tag("factors/_project_section.html", takes_context=True)
def factor_section(context, project):
    user = context["request"].user
    today = local_today()
    prefetch_related_objects([project], "districts")  # the district rule, read once
    items = list(project.factor_items.select_related("responsible_unit").order_by("kind", "id"))
    for item in items:
        item.project = project
        item.overdue = item.is_overdue(today)
        item.can_change = can_change_factor(user, item)
    return {
        "project": project,
        "items": items,
        "can_add": can_edit_factors(user, project),
    }
