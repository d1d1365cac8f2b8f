import datetime

from keyworks.dashboards import demo
from keyworks.ledger.models import Milestone, Project


def test_demo_gives_milestones_durations_once(world):
    Project.objects.filter(pk=world.own.pk).update(
        planned_start=datetime.date(2025, 1, 1), planned_finish=datetime.date(2025, 12, 31)
    )
    Milestone.objects.create(project=world.own, name="开工", planned_date="2025-03-02")
    Milestone.objects.create(project=world.own, name="竣工", planned_date="2025-12-31")
    assert demo.load_demo(world.programme)["milestone_durations"] == 2
    durations = list(
        Milestone.objects.filter(project=world.own)
        .order_by("planned_date")
        .values_list("duration_days", flat=True)
    )
    assert durations == [60, 300]
    assert not demo.load_demo(world.programme)  # idempotent
