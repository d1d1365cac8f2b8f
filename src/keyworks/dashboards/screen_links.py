"""Screen links (大屏链接): the token digest and resolving a token to its link. Creating
and revoking them (audited) are in services.py; the only write here is the link's
`last_used_at` stamp, bookkeeping of a credential like an API token's (orgs/tokens.py),
not programme data, so it is neither versioned nor audited."""

import hashlib

from django.utils import timezone

from .models import ScreenLink

USED_EVERY_SECONDS = 300  # last_used_at is refreshed at most this often


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def link_for_token(raw: str) -> ScreenLink | None:
    """The active link with this token, or None (unknown or revoked)."""
    if not raw or len(raw) > 100:
        return None
    link = (
        ScreenLink.objects.select_related("programme")
        .filter(digest=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if link is None:
        return None
    now = timezone.now()
    if link.last_used_at is None or (now - link.last_used_at).total_seconds() > USED_EVERY_SECONDS:
        ScreenLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link
