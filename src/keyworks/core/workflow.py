"""The workflow kernel of tracked items: things issued to someone with a deadline and followed
step by step to their end — problems (coordination), tasks (tasks), meeting decisions
(meetings); next approvals, 容缺 commitments and funding entries.

What the kernel does, once:
- `TrackedItem` (abstract model): `version` for optimistic locking, `deadline`, and the
  status rules a domain states as data — which statuses are open, final, overdue-able, and
  from which statuses each step may be taken (`STEPS`, read by `allows`).
- `ItemEvent` (abstract model): the append-only history, one row per step with the item's
  state after it (`STATE`); `core.asof` computes any past day's list from these rows.
- `Workflow` (services): lock the row, refuse a final item, check the role, the version
  and the status, apply the change, bump the version, append the event and write the
  change record — inside the caller's `transaction.atomic`.
- `run_step` and `posted_version` (pages): one step from a form, with the message.

What stays in the app: its statuses, kinds of step and rules (the model's `STEPS`), who
may do what (`permissions.py`), and each step's change. The change log is passed in (core
sits below audit).

A new kind of item, e.g. an approval::

    # models.py
    class Approval(TrackedItem):
        status = models.CharField(_("状态"), max_length=10, choices=ApprovalStatus.choices,
                                  default=ApprovalStatus.SUBMITTED)
        OPEN_STATUSES = (ApprovalStatus.SUBMITTED, ApprovalStatus.RETURNED)
        FINAL_STATUSES = (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED)
        OVERDUE_STATUSES = (ApprovalStatus.SUBMITTED,)
        STEPS = {"approve": (ApprovalStatus.SUBMITTED,), "return": (ApprovalStatus.SUBMITTED,)}

    class ApprovalEvent(ItemEvent):
        ITEM = "approval"
        approval = models.ForeignKey(Approval, on_delete=models.PROTECT, related_name="events")
        kind = models.CharField(_("事项"), max_length=10, choices=Kind.choices)
        status = models.CharField(_("状态"), max_length=10, choices=ApprovalStatus.choices)

        class Meta(ItemEvent.Meta):
            verbose_name = _("审批记录")

    # permissions.py: the role rules; whether the status allows a step is the model's
    @restriction(Approval)
    def restrict_approvals(approvals, user, action="view"): ...

    def can_approval(user, action, approval) -> bool: ...  # "view", "approve", "return"

    def approval_steps(user, approval):  # the page's forms, the API's `can`
        return steps_open_to(user, approval, can_approval, ("approve", "return"))

    # services.py
    from keyworks.audit import services as audit_log

    FLOW = Workflow(events=ApprovalEvent, may=can_approval, log=audit_log,
                    scope=lambda a: {"programme_id": a.programme_id},
                    stale=ConcurrentEditError)

    @transaction.atomic
    def approve(approval, *, by, note="", expected_version=None):
        approved = {"status": ApprovalStatus.APPROVED, "approved_at": timezone.now()}
        return FLOW.step(approval, "approve", approved, by=by, version=expected_version,
                         note=note)

Creating one: save it in its final state, then `FLOW.created(item, by=..., kind=...)` (the
event, then the change record of what was saved). Its list: a FilterSet with
`core.asof.AsOfFilterMixin`; its API: `core.pagination` and `core.schemas.EventOut`/
`event_out`; its page: `templates/core/item_detail.html`, the steps through `run_step`.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .errors import ConcurrentEditError, check_version
from .permissions import DENIED

# --- models ------------------------------------------------------------------------------


class StatusRules:
    """Which steps a status allows. `STEPS` maps a step to the statuses it may be taken
    from; a step it does not name (view, export) is possible in any status."""

    STEPS: dict[str, tuple] = {}

    def allows(self, step: str) -> bool:
        statuses = self.STEPS.get(step)
        return statuses is None or self.status in statuses

    def refusal(self, step: str) -> str:
        """What a user reads when the status does not allow `step`."""
        return DENIED


class TrackedItem(StatusRules, models.Model):
    """An item followed to its end. Subclasses declare `status` (their own choices) and say
    which statuses are open (on the list), final (nothing more can happen) and overdue-able
    (a passed deadline makes the item overdue: someone is expected to act)."""

    OPEN_STATUSES: tuple = ()
    FINAL_STATUSES: tuple = ()
    OVERDUE_STATUSES: tuple = ()

    deadline = models.DateField(_("办理时限"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @classmethod
    def was_overdue(cls, status: str, deadline: datetime.date, day: datetime.date) -> bool:
        """Was an item in `status` with `deadline` overdue on `day` (as-of lists pass the
        status of that day)?"""
        return status in cls.OVERDUE_STATUSES and deadline < day

    @classmethod
    def overdue_q(cls, day: datetime.date, status: str = "status") -> Q:
        """The overdue items on `day`; `status` names the (annotated) status to test."""
        return Q(**{f"{status}__in": cls.OVERDUE_STATUSES}, deadline__lt=day)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.was_overdue(self.status, self.deadline, today)


class ItemEvent(models.Model):
    """One step in an item's life. Append-only. Subclasses declare the foreign key to the
    item (named by `ITEM`, related_name "events"), `kind` (their steps) and `status`, and
    list in `STATE` the item's fields each event copies (the state after the step)."""

    ITEM: str = ""
    STATE: tuple[str, ...] = ("status",)

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{getattr(self, f'{self.ITEM}_id')} {self.kind} {self.at:%Y-%m-%d}"

    @classmethod
    def record(cls, item, *, by, kind: str, note: str = "", **fields):
        """Append the event of a step just taken on `item`: its state now (`fields` may
        say otherwise, e.g. the status a creation started from)."""
        state = {name: getattr(item, name) for name in cls.STATE}
        return cls.objects.create(
            **{cls.ITEM: item},
            kind=kind,
            at=timezone.now(),
            actor=by,
            note=note,
            **{**state, **fields},
        )


# --- services ----------------------------------------------------------------------------


def lock(obj, *related: str):
    """`obj` read again under a row lock (inside the caller's transaction)."""
    return type(obj)._default_manager.select_for_update().select_related(*related).get(pk=obj.pk)


def bump(obj):
    """Save `obj` with its version one up, and read it back."""
    obj.version = F("version") + 1
    obj.save()
    obj.refresh_from_db()
    return obj


class AuditLog(Protocol):
    """The change log a workflow writes to: the keyworks.audit.services module (core sits
    below audit, so the app passes it in)."""

    def snapshot(self, obj) -> dict: ...

    def diff(self, before: dict, after: dict) -> tuple[dict, dict]: ...

    def record_change(self, **kwargs) -> object: ...


@dataclass(frozen=True)
class Workflow:
    """The plumbing of one kind of tracked item.

    - `events`: its ItemEvent model;
    - `may(user, step, item)`: the role rule (permissions.py; "view" included);
    - `log`: the change log (AuditLog); `scope(item)`: the `project_id` and
      `programme_id` of its change records; `many`: the many-to-many fields recorded with
      its fields (as sorted ids); `reasons`: whether a step's note is the record's reason;
    - `stale`: the error for a stale version; `related`: loaded with the locked row;
    - `final`: the message when a final item is acted on (empty: a plain refusal);
    - `subject(item)`: the object its change records name (default the item itself; a
      subclass extended by an upper app keeps the base item's one history)."""

    events: type[ItemEvent]
    may: Callable[[object, str, object], bool]
    log: AuditLog
    scope: Callable[[object], dict]
    many: tuple[str, ...] = ()
    reasons: bool = True
    stale: type[ConcurrentEditError] = ConcurrentEditError
    related: tuple[str, ...] = ()
    final: str = ""
    subject: Callable[[object], object] | None = None

    def lock(self, item):
        return lock(item, *self.related)

    def state(self, item) -> dict:
        """What the change records compare: the fields but the version, and `many`."""
        data = self.log.snapshot(item)
        data.pop("version", None)
        for name in self.many:
            data[name] = sorted(obj.pk for obj in getattr(item, name).all())
        return data

    def audit(self, item, *, by, action: str, before=None, after=None, reason: str = ""):
        """The change record of `item`: what changed between the states `before` and
        `after` (a creation: `before` None, `after` whole)."""
        if before is not None:
            before, after = self.log.diff(before, after)
        self.log.record_change(
            by=by,
            action=action,
            obj=self.subject(item) if self.subject else item,
            before=before or None,
            after=after or None,
            reason=reason if self.reasons else "",
            **self.scope(item),
        )

    def check(self, item, *, by, step: str, expected_version=None) -> None:
        """Refuse `step` on the locked `item`: a final item (ValidationError, when `final`
        says why), a role that may not (PermissionDenied), a version the user did not see
        (`stale`), a status that does not allow it (PermissionDenied)."""
        if self.final and item.is_final:
            if not self.may(by, "view", item):
                raise PermissionDenied(DENIED)
            raise ValidationError(self.final)
        if not self.may(by, step, item):
            raise PermissionDenied(DENIED)
        check_version(item, expected_version, self.stale)
        if not item.allows(step):
            raise PermissionDenied(item.refusal(step))

    def step(self, item, step: str, apply=None, *, by, version=None, note: str = "",
             kind: str = "", action: str = "", always_bump: bool = True, **event):  # fmt: skip
        """Take `step` on `item`: lock and check it (`version`: the one the user saw),
        apply the change (`apply(item)`, or a dict of field values), bump the version
        (`always_bump=False`: only when the snapshot changed, e.g. a note that leaves the
        item as it was), append the event (`kind`, default the step; `note`; `event`
        fields) and audit it (`action`, default the kind; the note is the reason).
        Returns the item."""
        current = self.lock(item)
        self.check(current, by=by, step=step, expected_version=version)
        before = self.state(current)
        if isinstance(apply, dict):
            for field, value in apply.items():
                setattr(current, field, value)
        elif apply is not None:
            apply(current)
        if always_bump or self.state(current) != before:
            bump(current)
        kind = kind or step
        self.events.record(current, by=by, kind=kind, note=note, **event)
        after = self.state(current)
        self.audit(current, by=by, action=action or kind, before=before, after=after, reason=note)
        return current

    def created(self, item, *, by, kind: str, note: str = "", reason: str = "", **event):
        """The event and the audit record of `item`, just created in its final state."""
        self.events.record(item, by=by, kind=kind, note=note, **event)
        after = self.state(item)
        self.audit(item, by=by, action="create", before=None, after=after, reason=reason)


def _stale_message(item_cn: str, item_en: str) -> str:
    return gettext("%(item)s已被他人处理，您的操作未保存。请刷新页面查看最新状态后重试。") % {
        "item": item_en if (get_language() or "").startswith("en") else item_cn
    }


# The message of an item's ConcurrentEditError: "该问题已被他人处理…", in the language active
# when it is read (a class attribute is set at import).
stale_message = lazy(_stale_message, str)


def steps_open_to(user, item, may, steps: Iterable[str]) -> dict[str, bool]:
    """For each of `steps`: may `user` take it on `item` now — the status allows it and the
    role rule `may` does (the buttons of a page, the `can` of an API answer)."""
    return {step: item.allows(step) and may(user, step, item) for step in steps}


# --- pages -------------------------------------------------------------------------------


def posted_version(post) -> int | None:
    """The version a form sent back (a hidden field), or None when it sent none."""
    value = post.get("version") or ""
    return int(value) if value.isdigit() else None


def run_step(request, call: Callable[[], object], done: str) -> bool:
    """Take a step from a page: `done` as the success message, or why it was not taken (a
    stale version, a validation message). PermissionDenied goes on (403)."""
    try:
        call()
    except ConcurrentEditError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
        return True
    return False
