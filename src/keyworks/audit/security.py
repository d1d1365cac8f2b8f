"""Writing the security log (GB/T 22239 安全审计): who, from where, with what client,
when, what, and whether it succeeded. Sealed into its chain like the change records."""

from django.utils import timezone

from .chain import seal_after_commit
from .middleware import current_request
from .models import SecurityEvent


def client_address(request) -> str:
    """The caller's address as the server sees it (REMOTE_ADDR; a reverse proxy must pass
    the client's own address through, e.g. with the PROXY protocol or a trusted header it
    rewrites into REMOTE_ADDR)."""
    return (request.META.get("REMOTE_ADDR") or "")[:64] if request is not None else ""


def log_event(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    success: bool = True,
    programme_id: int | None = None,
    source: str | None = None,
    **detail,
) -> SecurityEvent:
    """Record one security event; call inside the transaction of what it records, or on
    its own (it commits with the request). Without `request`, the request being served
    gives the source address, client and path; `source` names another address (the one
    an unlock is for)."""
    request = request if request is not None else current_request()
    if user is not None and not getattr(user, "pk", None):
        user = None  # anonymous, or a screen link's viewer
    event = SecurityEvent(
        at=timezone.now(),
        kind=kind[:40],
        outcome=SecurityEvent.Outcome.SUCCESS if success else SecurityEvent.Outcome.FAILURE,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        source=(source if source is not None else client_address(request))[:64],
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        path=(request.get_full_path() if request is not None else "")[:300],
        programme_id=programme_id,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    event.save()
    seal_after_commit(SecurityEvent, [event.pk])
    return event
