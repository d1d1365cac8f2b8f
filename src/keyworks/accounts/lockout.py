"""Locking sign-in after repeated failures (GB/T 22239 登录失败处理), from the security log.

`LOCKOUT_FAILURES` failed sign-ins within `LOCKOUT_WINDOW` for one account, or from one
source address, lock sign-in for that account (or from that address) for
`LOCKOUT_DURATION` after the failure that reached the limit. The security log is the
record of every attempt already (audit.security), so the lock is read from it: nothing
else to keep in step. The security administrator can lift a lock early (an `unlock`
event); it also lifts by itself when its time is up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from keyworks.audit.models import SecurityEvent
from keyworks.audit.security import client_address, log_event

FAILED = "login_failed"
UNLOCK = "unlock"


@dataclass(frozen=True)
class Lock:
    by: str  # "username" or "source"
    value: str
    until: datetime.datetime

    @property
    def message(self) -> str:
        local = timezone.localtime(self.until)
        if self.by == "username":
            message = _(
                "该账号连续登录失败次数过多，已锁定至 %(time)s。请稍后再试，或联系安全管理员解锁。"
            )
        else:
            message = _(
                "您所在的网络地址连续登录失败次数过多，已锁定至 %(time)s。"
                "请稍后再试，或联系安全管理员解锁。"
            )
        return message % {"time": f"{local:%H:%M}"}


def lock_for(by: str, value: str, now: datetime.datetime | None = None) -> Lock | None:
    """The lock on this account (`by`="username") or source address, if any."""
    if not value:
        return None
    now = now or timezone.now()
    window, duration = settings.LOCKOUT_WINDOW, settings.LOCKOUT_DURATION
    limit = settings.LOCKOUT_FAILURES
    events = SecurityEvent.objects.filter(
        **{by: value}, kind__in=[FAILED, UNLOCK], at__gte=now - window - duration
    ).order_by("at", "id")
    failures: list[datetime.datetime] = []
    locked_until = None
    for kind, at, detail in events.values_list("kind", "at", "detail"):
        if kind == UNLOCK:
            if detail.get("by") in (by, None):
                failures, locked_until = [], None
            continue
        if locked_until is not None and at < locked_until:
            continue  # attempts during a lock neither extend nor count
        failures = [t for t in failures if t > at - window] + [at]
        if len(failures) >= limit:
            locked_until, failures = at + duration, []
    if locked_until is not None and locked_until > now:
        return Lock(by, value, locked_until)
    return None


def current_lock(username: str, source: str) -> Lock | None:
    return lock_for("username", username) or lock_for("source", source)


def unlock(by_user, *, username: str = "", source: str = "") -> None:
    """Lift the lock on an account or on an address (the security administrator)."""
    if username:
        log_event(UNLOCK, user=by_user, username=username, by="username")
    if source:
        log_event(UNLOCK, user=by_user, source=source, by="source")


class LockoutBackend(ModelBackend):
    """Django's model backend, refusing a locked account or address before the password is
    even checked (so a locked account cannot be probed)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        lock = current_lock(username or "", client_address(request))
        if lock is not None:
            raise PermissionDenied(lock.message)  # Django logs the attempt as failed
        return super().authenticate(request, username=username, password=password, **kwargs)
