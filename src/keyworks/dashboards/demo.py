"""Demo: durations (工期) on the milestones of a few projects, so the schedule chart shows
backward planning (倒排工期) from their planned completion dates.

Idempotent: nothing changes once any milestone of the programme has a duration."""

from collections import Counter

from keyworks.ledger.models import Milestone, Project

PROJECTS = 3  # the first projects (by seq) with an unfinished milestone and planned dates


def load_demo(programme) -> Counter:
    created: Counter = Counter()
    in_programme = Milestone.objects.filter(project__programme=programme)
    if in_programme.filter(duration_days__isnull=False).exists():
        return created
    projects = (
        Project.objects.filter(
            programme=programme,
            planned_start__isnull=False,
            planned_finish__isnull=False,
            milestones__isnull=False,
            milestones__actual_date__isnull=True,
        )
        .distinct()
        .order_by("seq")[:PROJECTS]
    )
    changed = []
    for project in projects:
        previous = project.planned_start
        for milestone in project.milestones.order_by("planned_date", "sort", "pk"):
            # Durations in whole months, as a programme office plans them: the derived
            # dates come out near, not on, the recorded ones.
            gap = (milestone.planned_date - previous).days
            milestone.duration_days = max(30, round(gap / 30) * 30)
            previous = milestone.planned_date
            changed.append(milestone)
    Milestone.objects.bulk_update(changed, ["duration_days"])
    created["milestone_durations"] = len(changed)
    return created
