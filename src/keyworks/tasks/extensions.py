"""What tasks adds to the pages of the apps below it (core.extensions)."""

from keyworks.core.extensions import provides

from .permissions import can_issue_any_task


@provides("project_page_abilities")
def task_abilities(user, project):
    return [{"can_issue_task": can_issue_any_task(user, project.programme)}]
