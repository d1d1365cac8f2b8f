"""The ledger list's totals, stated the way the figure registry (reporting.registry)
states them: the project count is the current ledger (paused projects included, and
said so), the annual plan leaves out the projects paused in the dashboard's month, as
every rollup does. Which projects are paused is reporting's to say (point
"paused_projects")."""

from django.db.models import Count, Q, Sum

from keyworks.core.extensions import collect


def list_totals(programme, qs) -> dict:
    """count, total, completed, annual (paused left out), paused (how many of `qs`),
    paused_annual and paused_month (the month the pauses are read in, or None)."""
    month, paused_ids = (collect("paused_projects", programme) or [(None, set())])[0]
    sums = {
        "count": Count("id"),
        "total": Sum("total_investment"),
        "completed": Sum("completed_investment"),
        "annual": Sum("annual_investment"),
    }
    if paused_ids:  # an empty IN would empty the whole aggregate
        sums["paused"] = Count("id", filter=Q(pk__in=paused_ids))
        sums["paused_annual"] = Sum("annual_investment", filter=Q(pk__in=paused_ids))
    # one query: the list's paginator reuses the count
    totals = {"paused": 0, "paused_annual": None, **qs.order_by().aggregate(**sums)}
    totals["paused_month"] = month
    if totals["annual"] is not None and totals["paused_annual"] is not None:
        totals["annual"] -= totals["paused_annual"]
    return totals
