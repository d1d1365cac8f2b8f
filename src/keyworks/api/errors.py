"""Every API error is JSON `{"detail": "..."}` (Chinese, or English when the request asks for
it); validation errors add `"errors": {"field": ["message", ...]}` naming each field."""

import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaValidationError

from keyworks.audit.security import log_event
from keyworks.core.errors import ConcurrentEditError

from .auth import UNAUTHENTICATED

NOT_FOUND = gettext_lazy("未找到")
FORBIDDEN = gettext_lazy("您没有权限执行此操作")
NON_FIELD = "__all__"


def install(api: NinjaAPI) -> None:
    def respond(request, status: int, detail: str, **extra):
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = exc.message if exc.message != "Unauthorized" else UNAUTHENTICATED
        response = respond(request, 401, message)
        response["WWW-Authenticate"] = 'Bearer realm="keyworks"'
        return response

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        seconds = math.ceil(exc.wait or 60)
        response = respond(
            request, 429, _("请求过于频繁，请 %(seconds)s 秒后再试") % {"seconds": seconds}
        )
        response["Retry-After"] = str(seconds)
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = _("请求体不是有效的 JSON：%(message)s") % {"message": message}
        return respond(request, exc.status_code, message)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        log_refusal(request, 404, exc)
        return respond(request, 404, str(exc) or NOT_FOUND)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        log_refusal(request, 403, exc)
        return respond(request, 403, str(exc) or FORBIDDEN)

    @api.exception_handler(ConcurrentEditError)
    def conflict(request, exc):
        return respond(request, 409, str(exc))

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return invalid_response(request, django_errors(exc))

    @api.exception_handler(SchemaValidationError)
    def invalid_schema(request, exc):
        return invalid_response(request, schema_errors(exc.errors))

    def invalid_response(request, errors: dict[str, list[str]]):
        summary = "；".join(
            f"{field}: {' '.join(map(str, messages))}"
            if field != NON_FIELD
            else " ".join(map(str, messages))
            for field, messages in errors.items()
        )
        detail = _("提交的数据有误，请按提示修改。%(summary)s") % {"summary": summary}
        return respond(request, 422, detail, errors=errors)


def django_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: ValidationError(errors).messages for field, errors in exc.error_dict.items()}
    return {NON_FIELD: exc.messages}


def schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    """Pydantic errors keyed by the field name (`body.payload.total_investment` → the last
    parts that name the field, e.g. `total_investment`, `districts.1`, `page_size`)."""
    result: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in {"body", "query", "path", "header", "cookie", "form"}:
            loc = loc[1:]
        if len(loc) > 1 and loc[0] == "payload":
            loc = loc[1:]
        field = ".".join(loc) or NON_FIELD
        result.setdefault(field, []).append(schema_message(error))
    return result


def schema_message(error: dict) -> str:
    """Pydantic's message, in Chinese first where the check is one of ours (a length cap
    keeps free text to what a person writes, and the database's columns)."""
    message = error.get("msg", "invalid")
    if error.get("type") == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return _("最多 %(limit)s 个字符") % {"limit": limit}
    return message


def log_refusal(request, status: int, exc: Exception) -> None:
    """A caller refused by an access rule goes to the security log, as on pages."""
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        log_event(
            "refused", request=request, user=user, success=False, status=status,
            reason=str(exc)[:200] or None,
        )  # fmt: skip
