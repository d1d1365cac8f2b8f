"""The reminder page (工作提醒) and the panel on the home page. Thin: who, compute, render."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from keyworks.core.calendar import local_today

from . import services
from .permissions import can_receive_reminders

PANEL_SIZE = 5
SOON_DAYS = 3
NOT_MEMBER = gettext_lazy("您尚未加入任何项目计划")


def summary(items, today) -> dict:
    return {
        "today": today,
        "soon": today + datetime.timedelta(days=SOON_DAYS),  # badge "临近" up to this day
        "reminders": items,
        "count": len(items),
        "overdue_count": sum(1 for r in items if r.overdue),
    }


@login_required
def reminder_list(request):
    if not can_receive_reminders(request.user):
        raise Http404(str(NOT_MEMBER))
    today = local_today()
    items = services.reminders_for(request.user, today)
    context = {"groups": services.group(items), **summary(items, today)}
    return render(request, "reminders/list.html", context)


def home(request):
    """The home page: the user's reminder panel and the main lists. People outside every
    programme (and visitors) go to the ledger, which says what to do."""
    if not can_receive_reminders(request.user):
        return redirect("ledger:project_list")
    today = local_today()
    items = services.reminders_for(request.user, today)
    context = {
        **summary(items, today),
        "top": items[:PANEL_SIZE],
        "more": max(len(items) - PANEL_SIZE, 0),
    }
    return render(request, "reminders/home.html", context)
