"""The reminder list (工作提醒清单) over JSON: the signed-in user's reminders, computed
from the data by every app's provider (`reminders.services`), most urgent first."""

import datetime

from django.http import Http404
from ninja import Field, Router, Schema

from keyworks.core.calendar import local_today
from keyworks.core.schemas import READ_ERRORS

from . import services
from .permissions import can_receive_reminders
from .views import NOT_MEMBER

router = Router()

# Field descriptions in the OpenAPI schema are plain Chinese, not messages: pydantic turns
# them into text once, when the schemas are built, so they cannot follow each request.


class ReminderOut(Schema):
    kind: str = Field(description="种类（稳定的键，如 report_due）")
    kind_label: str
    title: str
    url: str = Field(description="办理页面（站内路径）")
    programme_id: int
    due: datetime.date | None = Field(description="截止日期")
    overdue: bool
    detail: str


class GroupOut(Schema):
    kind: str
    label: str
    count: int
    overdue: int


class ReminderList(Schema):
    date: datetime.date = Field(description="计算日期（北京时间）")
    count: int
    overdue: int
    groups: list[GroupOut]
    items: list[ReminderOut]


@router.get("/reminders", response={200: ReminderList, **READ_ERRORS}, tags=["reminders"])
def list_reminders(request):
    """当前用户的工作提醒：逾期在前，再按截止日期 / The signed-in user's reminders:
    overdue first, then by due date. 404 for someone in no programme."""
    user = request.auth
    if not can_receive_reminders(user):
        raise Http404(str(NOT_MEMBER))
    today = local_today()
    items = services.reminders_for(user, today)
    return {
        "date": today,
        "count": len(items),
        "overdue": sum(1 for r in items if r.overdue),
        "groups": [
            {"kind": g.kind, "label": g.label, "count": len(g.items), "overdue": g.overdue_count}
            for g in services.group(items)
        ],
        "items": [
            {
                "kind": r.kind,
                "kind_label": services.label_of(r),
                "title": r.title,
                "url": r.url,
                "programme_id": r.programme_id,
                "due": r.due,
                "overdue": r.overdue,
                "detail": r.detail,
            }
            for r in items
        ],
    }
