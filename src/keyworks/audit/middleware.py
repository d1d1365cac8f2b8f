"""Give every request an id that change records carry (and the response echoes); put
refusals and downloads in the security log."""

import contextvars
import re
import uuid
from urllib.parse import unquote

from django.core.exceptions import PermissionDenied
from django.http import Http404

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_request: contextvars.ContextVar = contextvars.ContextVar("request", default=None)


def current_request_id() -> str:
    return _request_id.get()


def current_request():
    """The request being served (None outside one): where a service's security event
    came from."""
    return _request.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")[:40]
        request_id = incoming if incoming.isprintable() and incoming else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _request.reset(request_token)
        response["X-Request-ID"] = request_id
        return response


class SecurityLogMiddleware:
    """The security log's view of requests (GB/T 22239 安全审计): a signed-in user refused
    by an access rule (403, or 404 for what they may not see), and every file handed out
    (exports, minutes, photos: any attachment or file response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        disposition = response.get("Content-Disposition", "")
        if response.status_code == 200 and (disposition or response.streaming):
            from .security import log_event

            log_event(
                "download",
                request=request,
                user=user,
                file=file_name(disposition),
                content_type=response.get("Content-Type", "")[:80],
            )
        return response

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if isinstance(exception, PermissionDenied | Http404):
            from .security import log_event

            log_event(
                "refused",
                request=request,
                user=user,
                success=False,
                status=403 if isinstance(exception, PermissionDenied) else 404,
                reason=str(exception)[:200] or None,
            )
        return None


def file_name(disposition: str) -> str | None:
    """The file name a Content-Disposition header gives (RFC 6266 `filename*` first)."""
    match = re.search(r"filename\*=(?:UTF-8|utf-8)''([^;]+)", disposition)
    if match:
        return unquote(match.group(1))[:120]
    match = re.search(r'filename="?([^";]+)"?', disposition)
    return match.group(1)[:120] if match else None
