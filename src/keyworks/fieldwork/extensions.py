"""What fieldwork adds to the computations of the apps below it (core.extensions)."""

from keyworks.core.extensions import provides

from .services import verification_figures


@provides("month_verifications")
def month_verifications(programme, month, project_ids=None):
    """The on-site verification of each project in `month`, for the measures."""
    return [verification_figures(programme, month, project_ids)]
