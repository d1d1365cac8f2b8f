"""Each person's interface language. Chinese is the default; the browser's Accept-Language
and the language cookie choose among settings.LANGUAGES (LocaleMiddleware). A person may
choose a language on the profile page: it is kept on the account (User.language), applied
on every request they make signed in, and written to the language cookie at sign-in, so
that the sign-in page and the pages after signing out speak it too."""

from django.conf import settings
from django.utils import translation

LANGUAGES = dict(settings.LANGUAGES)


def preferred(user) -> str:
    """The language `user` chose, or "" (the browser's, or Chinese)."""
    if user is None or not user.is_authenticated:
        return ""
    code = getattr(user, "language", "")
    return code if code in LANGUAGES else ""


def remember(response, code: str) -> None:
    """Write `code` to the language cookie, or clear it when it is ""."""
    if not code:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in person's chosen language wins over the
    browser's; the cookie follows it (at sign-in, or when it was chosen elsewhere)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = preferred(getattr(request, "user", None))
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        # request.user is the person signed in by this request, when it signs in.
        code = preferred(getattr(request, "user", None))
        if code and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code:
            remember(response, code)
        return response
