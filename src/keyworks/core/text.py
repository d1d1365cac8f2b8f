"""Text as people type it, checked at the edge: no NUL or other control characters (tab,
line breaks excepted), no bidirectional overrides that make a name read differently
from what it is, and no value made only of invisible characters.

`text_error` says what is wrong with one value (None when it is fine);
`TextGuardMiddleware` applies it to every query parameter, form field and JSON string
of a request before any view sees it, so that no list filter, form or API endpoint can
store or trip over such text (PostgreSQL refuses NUL outright; Excel and Word files
cannot hold control characters). An API body is checked as JSON whatever its
Content-Type claims (the API parses it as JSON). A request Django will not read (a body
over DATA_UPLOAD_MAX_MEMORY_SIZE: 413; more fields or files than allowed: 400) gets the
API's JSON error on /api/ and Django's 400 page elsewhere."""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (they reorder what follows them).
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that take no room: zero-width spaces and joiners, word joiner, BOM, soft hyphen.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")

CONTROL_MESSAGE = gettext_lazy("含有不允许的控制字符（如 NUL），请删除后重试")
BIDI_MESSAGE = gettext_lazy("含有改变文字方向的隐藏字符，请删除后重试")
INVISIBLE_MESSAGE = gettext_lazy("只含不可见字符，请填写实际内容")


def text_error(value: str) -> str | None:
    """Why `value` may not be stored, or None."""
    if CONTROL.search(value):
        return str(CONTROL_MESSAGE)
    if BIDI.search(value):
        return str(BIDI_MESSAGE)
    if INVISIBLE.search(value) and not INVISIBLE.sub("", value).strip():
        return str(INVISIBLE_MESSAGE)
    return None


def json_errors(value, path: str = "") -> dict[str, list[str]]:
    """{field path: [message]} for every string (key or value) in a parsed JSON body."""
    errors: dict[str, list[str]] = {}
    if isinstance(value, str):
        problem = text_error(value)
        if problem:
            errors[path or "body"] = [problem]
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            problem = text_error(str(key))
            if problem:
                errors[where] = [problem]
            errors.update(json_errors(item, where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors.update(json_errors(item, f"{path}.{index}" if path else str(index)))
    return errors


def query_errors(data) -> dict[str, list[str]]:
    """The same for a QueryDict (query string or form): keys and every value."""
    errors: dict[str, list[str]] = {}
    for key, values in data.lists():
        problem = text_error(key)
        for value in values:
            problem = problem or (text_error(value) if isinstance(value, str) else None)
        if problem:
            errors[key] = [problem]
    return errors


FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}
# What Django refuses to read (its SuspiciousOperation family: Django's 400 page).
UNREADABLE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


class TextGuardMiddleware:
    """Refuse (400) a request carrying text `text_error` rejects, naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            errors = request_errors(request)
        except UNREADABLE as exc:
            if not is_api(request):
                raise
            return unreadable(exc)
        if not errors:
            return self.get_response(request)
        return refusal(request, errors)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def request_errors(request) -> dict[str, list[str]]:
    errors = query_errors(request.GET)
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        content_type = request.content_type or ""
        if content_type in FORMS:
            errors.update(query_errors(request.POST))
        elif content_type == "application/json" or is_api(request):
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                body = None  # malformed JSON: the API answers that itself
            errors.update(json_errors(body))
    return errors


def size_text(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def unreadable(exc: Exception):
    """The API's JSON error for a request Django will not read."""
    if isinstance(exc, RequestDataTooBig):
        limit = size_text(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        detail, status = _("请求体超过 %(limit)s") % {"limit": limit}, 413
    elif isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        detail, status = _("文件超过 %(limit)s 个") % {"limit": limit}, 400
    else:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        detail, status = _("参数超过 %(limit)s 个") % {"limit": limit}, 400
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def refusal(request, errors: dict[str, list[str]]):
    summary = "；".join(f"{field}：{' '.join(messages)}" for field, messages in errors.items())
    if request.path.startswith("/api/"):
        detail = _("提交的文字含有不允许的字符。%(summary)s") % {"summary": summary}
        return JsonResponse(
            {"detail": detail, "errors": errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "400_text.html", {"errors": errors}, status=400)
