"""Demo data for the demo programme: the bi-monthly progress meeting (两个月一推进、较短比长).

The office has published the Sep–Oct ranking, so Nov–Dec (computed live) shows each
task force's, district's and project's movement since then."""

from collections import Counter

from keyworks.orgs.models import Role, RoleAssignment

from . import services
from .models import RankingSnapshot
from .periods import Period

DEMO_PERIOD_INDEX = 5  # Sep–Oct


def load_demo(programme) -> Counter:
    """Add this part of the demo while the programme has none of it; return what was made."""
    created: Counter = Counter()
    if RankingSnapshot.objects.filter(programme=programme).exists():
        return created
    office = (
        RoleAssignment.objects.filter(programme=programme, role=Role.OFFICE, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if office is None:
        return created
    snap = services.publish(programme, Period(programme.year, DEMO_PERIOD_INDEX), by=office.user)
    created["ranking snapshots"] += 1
    created["ranking rows"] += snap.rows.count()
    return created
