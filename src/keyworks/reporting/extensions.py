"""What reporting adds to the pages of the apps below it (core.extensions)."""

from keyworks.core.extensions import provides

from .registry import paused_projects


@provides("paused_projects")
def registry_paused(programme):
    """(month, ids of the projects paused in it): the ledger list leaves them out of its
    annual plan as the registry does."""
    return [paused_projects(programme)]
