"""`{% factor_section project %}`: the project page's factor guarantee card, so the ledger
view needs no change."""

from django import template
from django.db.models import prefetch_related_objects

from keyworks.core.calendar import local_today
from keyworks.orgs import access

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
        item.can_change = access.can_change_factor(user, item)
    return {
        "project": project,
        "items": items,
        "can_add": access.can_edit_factors(user, project),
    }
