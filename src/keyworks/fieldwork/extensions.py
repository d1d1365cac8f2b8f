"""What fieldwork adds to the computations of the apps below it (core.extensions)."""

from keyworks.core.extensions import provides

from .permissions import can_post_update, can_record_visit
from .services import verification_figures


@provides("month_verifications")
def month_verifications(programme, month, project_ids=None):
    """The on-site verification of each project in `month`, for the measures."""
    return [verification_figures(programme, month, project_ids)]


@provides("project_page_abilities")
def fieldwork_abilities(user, project):
    return [
        {
            "can_post_update": can_post_update(user, project),
            "can_record_visit": can_record_visit(user, project),
        }
    ]
