"""What targets adds to the computations of the apps below it (core.extensions)."""

import datetime

from keyworks.core.calendar import SHANGHAI, next_month
from keyworks.core.extensions import provides

from .models import AnnualTarget, TargetStatus


@provides("targets_in_force")
def targets_in_force(programme, month: datetime.date, project_ids=None):
    """{project id: annual investment (万元) in force at the end of `month`}: the latest
    version of the year's target accepted by then, or, before the first acceptance, that
    first accepted version (a year is measured against its original target until a
    revision is accepted). Projects with no accepted target of the year are left out:
    the ledger's annual investment applies to them."""
    following = next_month(month)
    end = datetime.datetime(following.year, following.month, 1, tzinfo=SHANGHAI)
    accepted = AnnualTarget.objects.filter(
        project__programme=programme, year=month.year, status=TargetStatus.ACCEPTED
    )
    if project_ids is not None:
        accepted = accepted.filter(project_id__in=project_ids)
    in_force: dict[int, object] = {}
    for project_id, reviewed_at, investment in accepted.order_by(
        "project_id", "reviewed_at", "revision"
    ).values_list("project_id", "reviewed_at", "investment"):
        if project_id not in in_force or (reviewed_at is not None and reviewed_at < end):
            in_force[project_id] = investment
    return [in_force]


@provides("project_page_abilities")
def target_abilities(user, project):
    from .permissions import target_projects

    return [{"can_view_targets": target_projects(user).filter(pk=project.pk).exists()}]
