"""Text as people type it, checked at the edge: no NUL or other control characters (tab,
line breaks excepted), no bidirectional overrides that make a name read differently
from what it is, and no value made only of invisible characters.

`text_error` says what is wrong with one value (None when it is fine);
`TextGuardMiddleware` applies it to every query parameter, form field and JSON string
of a request before any view sees it, so that no list filter, form or API endpoint can
store or trip over such text (PostgreSQL refuses NUL outright; Excel and Word files
cannot hold control characters)."""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (they reorder what follows them).
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that take no room: zero-width spaces and joiners, word joiner, BOM, soft hyphen.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")

CONTROL_MESSAGE = "含有不允许的控制字符（如 NUL），请删除后重试 / Contains control characters"
BIDI_MESSAGE = "含有改变文字方向的隐藏字符，请删除后重试 / Contains text-direction overrides"
INVISIBLE_MESSAGE = "只含不可见字符，请填写实际内容 / Contains only invisible characters"


def text_error(value: str) -> str | None:
    """Why `value` may not be stored, or None."""
    if CONTROL.search(value):
        return CONTROL_MESSAGE
    if BIDI.search(value):
        return BIDI_MESSAGE
    if INVISIBLE.search(value) and not INVISIBLE.sub("", value).strip():
        return INVISIBLE_MESSAGE
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


class TextGuardMiddleware:
    """Refuse (400) a request carrying text `text_error` rejects, naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = query_errors(request.GET)
        if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            content_type = request.content_type or ""
            if content_type == "application/json":
                try:
                    body = json.loads(request.body or b"null")
                except RequestDataTooBig:
                    return too_big(request)
                except (ValueError, UnicodeDecodeError):
                    body = None  # malformed JSON: the API answers that itself
                errors.update(json_errors(body))
            elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
                try:
                    errors.update(query_errors(request.POST))
                except RequestDataTooBig:
                    return too_big(request)
        if not errors:
            return self.get_response(request)
        return refusal(request, errors)


def too_big(request):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: the API answers in JSON like every other
    API error; pages get Django's 400."""
    if not request.path.startswith("/api/"):
        raise RequestDataTooBig("request body too large")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return JsonResponse(
        {"detail": f"请求体超过 {limit} MB / Request body larger than {limit} MB"},
        status=413,
        json_dumps_params={"ensure_ascii": False},
    )


def refusal(request, errors: dict[str, list[str]]):
    summary = "；".join(f"{field}：{' '.join(messages)}" for field, messages in errors.items())
    if request.path.startswith("/api/"):
        detail = f"提交的文字含有不允许的字符 / Text not accepted。{summary}"
        return JsonResponse(
            {"detail": detail, "errors": errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "400_text.html", {"errors": errors}, status=400)
