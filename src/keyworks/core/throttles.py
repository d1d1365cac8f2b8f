"""Rates people and scripts may not exceed (GB/T 22239 入侵防范): sign-in attempts and bad API
tokens per source address, API calls per signed-in user. django-ninja's throttles, kept in
Django's cache (shared by every worker when the cache is Redis); each says how long to
wait (429 with Retry-After)."""

from django.conf import settings
from ninja.throttling import AnonRateThrottle, UserRateThrottle


class SourceThrottle(AnonRateThrottle):
    """Per source address, whoever is (or claims to be) calling."""

    def __init__(self, scope: str, rate: str) -> None:
        self.scope = scope
        super().__init__(rate)

    def get_cache_key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def sign_in_throttle() -> SourceThrottle:
    return SourceThrottle("sign-in", settings.SIGN_IN_RATE)


def bad_token_throttle() -> SourceThrottle:
    return SourceThrottle("bad-token", settings.BAD_TOKEN_RATE)


def api_throttle() -> UserRateThrottle:
    return UserRateThrottle(settings.API_RATE)
