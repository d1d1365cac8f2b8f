"""The two shapes every permission rule takes, whatever the model:

- which rows may a user act on: `Model.objects.restrict(user, action)` (NetBox's restricted
  querysets), so that no list, export or endpoint can forget the filter;
- one row for an action: `fetch(...)`, 404 for a row the user may not see (it does not
  exist for them), 403 for one they see but may not act on.

Each app registers the rule for its own models in its `permissions.py` with
`@restriction(Model)`; `CoreConfig.ready` imports every app's `permissions` module."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy

DENIED = gettext_lazy("您没有权限执行此操作")

Rule = Callable[[models.QuerySet, object, str], models.QuerySet]
_RULES: dict[type[models.Model], Rule] = {}


def restriction(model: type[models.Model]) -> Callable[[Rule], Rule]:
    """Register `rule(queryset, user, action) -> queryset`: the rows of `model` that
    `user` may `action`. An action a rule does not know must raise ValueError."""

    def register(rule: Rule) -> Rule:
        _RULES[model] = rule
        return rule

    return register


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> models.QuerySet:
        """The rows of this queryset that `user` may `action` (see `restriction`)."""
        try:
            rule = _RULES[self.model]
        except KeyError:
            raise ImproperlyConfigured(
                f"no restriction is registered for {self.model.__name__}"
            ) from None
        return rule(self, user, action)


def fetch(queryset: models.QuerySet, *, not_found: str, allowed=True, denied: str = DENIED,
          **lookup):  # fmt: skip
    """The one row of `queryset` (already restricted to what the user may see) matching
    `lookup`: Http404(`not_found`) when there is none, PermissionDenied(`denied`) when
    `allowed` (a bool, or a callable given the row) is false."""
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(not_found) from None
    if not (allowed(obj) if callable(allowed) else allowed):
        raise PermissionDenied(denied)
    return obj
