"""The JSON API, composed from each app's router."""

import json
from decimal import Decimal

from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from keyworks.coordination.api import router as coordination_router
from keyworks.core.throttles import api_throttle
from keyworks.factors.api import router as factors_router
from keyworks.fieldwork.api import router as fieldwork_router
from keyworks.ledger.api import router as ledger_router
from keyworks.meetings.api import router as meetings_router
from keyworks.orgs.api import router as orgs_router
from keyworks.rankings.api import router as rankings_router
from keyworks.reminders.api import router as reminders_router
from keyworks.reporting.api import router as reporting_router
from keyworks.targets.api import router as targets_router
from keyworks.tasks.api import router as tasks_router

from . import errors
from .auth import SessionAuth, TokenAuth

DESCRIPTION = gettext_lazy(
    "重点项目指挥调度平台的 JSON 接口。\n\n"
    "**认证**\n\n"
    "- 个人 API 令牌：请求头 `Authorization: Bearer kw_…`（由 `keyworks create-token 用户名` 生成，"
    "只显示一次）。\n"
    "- 或浏览器登录会话；写操作须带 `X-CSRFToken` 头。\n\n"
    "权限与网页一致：看不到的项目返回 404，只读返回 403。\n\n"
    '**金额**：万元，以两位小数的字符串表示（如 `"1234.50"`），避免浮点误差；提交时'
    "可用字符串或数字。坐标同样以字符串表示。\n\n"
    '**错误**：`{"detail": "…"}`；校验错误（422）另有 `"errors": {"字段": ["…"]}`；'
    "版本冲突 409；含控制字符的文字、不是 JSON 的请求体 400；请求体超过 5 MB 413；"
    "URL 超过前端服务器上限时由服务器直接返回 414（非 JSON）。\n"
)


class DecimalParser(Parser):
    """JSON numbers become Decimal, never float, so amounts arrive exact."""

    def parse_body(self, request):
        return json.loads(request.body, parse_float=Decimal)


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="keyworks API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    parser=DecimalParser(),
    renderer=Renderer(),
    throttle=[api_throttle()],
)
errors.install(api)
api.add_router("", orgs_router)
api.add_router("", ledger_router)
api.add_router("", reporting_router)
api.add_router("", coordination_router)
api.add_router("", targets_router)
api.add_router("", fieldwork_router)
api.add_router("", reminders_router)
api.add_router("", tasks_router)
api.add_router("", meetings_router)
api.add_router("", rankings_router)
api.add_router("", factors_router)
