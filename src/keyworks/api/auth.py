"""Who is calling: a personal token (`Authorization: Bearer kw_…`) or the browser session.

Endpoints read the caller from `request.auth` (also set as `request.user`).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from keyworks.core.throttles import bad_token_throttle
from keyworks.orgs.tokens import user_for_token

UNAUTHENTICATED = gettext_lazy(
    "请先登录，或在 Authorization 头中提供有效的 API 令牌（Bearer kw_…）。"
)
BAD_TOKEN = gettext_lazy("API 令牌无效、已撤销或用户已停用。")
CSRF_FAILED = gettext_lazy("CSRF 校验失败：使用登录会话调用写操作时须带 X-CSRFToken 头。")


class TokenAuth(HttpBearer):
    """A personal API token created with `keyworks create-token` (only its digest is stored)."""

    def authenticate(self, request, token):
        user = user_for_token(token.strip())
        if user is None:
            # Guessing tokens is slowed down per address (429 after BAD_TOKEN_RATE).
            throttle = bad_token_throttle()
            if not throttle.allow_request(request):
                raise Throttled(wait=throttle.wait())
            # A token was sent but is no good: say so instead of trying the session.
            raise AuthenticationError(message=BAD_TOKEN)
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in browser; unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None  # nothing to forge: answer 401, not a CSRF error
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, str(CSRF_FAILED))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None
