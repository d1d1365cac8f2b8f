"""Screen links (大屏链接): create, revoke and resolve. Writes are audited."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from keyworks.audit.services import record_change

from .models import ScreenLink
from .permissions import require_manage_screen_links

TOKEN_BYTES = 24
USED_EVERY_SECONDS = 300  # last_used_at is refreshed at most this often


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_screen_link(programme, name: str, *, by) -> tuple[ScreenLink, str]:
    """A new link; the raw token is returned once and never stored."""
    require_manage_screen_links(by, programme)
    name = (name or "").strip()[:50] or "会议室大屏"
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    link = ScreenLink.objects.create(
        programme=programme, name=name, prefix=raw[:8], digest=digest(raw), created_by=by
    )
    record_change(
        by=by,
        action="create_screen_link",
        obj=link,
        after={"name": link.name, "prefix": link.prefix},
        programme_id=programme.pk,
    )
    return link, raw


@transaction.atomic
def revoke_screen_link(link: ScreenLink, *, by) -> ScreenLink:
    require_manage_screen_links(by, link.programme)
    link = ScreenLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record_change(
        by=by,
        action="revoke_screen_link",
        obj=link,
        before={"revoked_at": None},
        after={"revoked_at": link.revoked_at.isoformat()},
        programme_id=link.programme_id,
    )
    return link


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
