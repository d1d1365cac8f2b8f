"""The map at 10,000 projects: a thinned payload under 1 MB, constant queries."""

import random
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.dashboards.views import THIN_ABOVE
from keyworks.ledger.models import Project

DATA = "/dashboards/map/data.json"
MB = 1_000_000


def bulk_projects(world, count: int, start: int = 100) -> None:
    """`count` located projects with long Chinese names, half in each district."""
    rng = random.Random(5)
    projects = Project.objects.bulk_create(
        [
            Project(
                programme=world.programme,
                category=world.industry if i % 2 else world.infra,
                seq=i,
                name=f"焦作市第{i}号重点产业园区基础设施配套建设工程项目",
                total_investment=Decimal(rng.randint(1000, 900000)),
                completed_investment=Decimal(rng.randint(0, 1000)),
                annual_investment=Decimal(rng.randint(100, 90000)),
                longitude=Decimal(f"{113 + rng.random():.6f}"),
                latitude=Decimal(f"{35 + rng.random() / 2:.6f}"),
            )
            for i in range(start, start + count)
        ],
        batch_size=2000,
    )
    through = Project.districts.through
    through.objects.bulk_create(
        [
            through(project_id=p.pk, region_id=(world.district_a if i % 2 else world.district_b).pk)
            for i, p in enumerate(projects)
        ],
        batch_size=2000,
    )


def test_ten_thousand_projects_fit_in_a_thinned_payload(world):
    client = world.client(world.office)
    small = client.get(DATA)
    assert small.json()["thin"] == 0 and small.json()["p"][0][5] == "牧野路改造工程"
    with CaptureQueriesContext(connection) as ctx:
        client.get(DATA)
    queries = len(ctx)
    bulk_projects(world, 10_000 - 2)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(DATA)
    assert len(ctx) == queries
    assert response.status_code == 200
    size = len(response.content)
    data = response.json()
    assert data["n"] == 10_000 > THIN_ABOVE and data["thin"] == 1
    assert size < MB, f"{size:,} bytes"
    placed = [p for p in data["p"] if p[1] is not None]
    assert len(placed) == 9_998 and all(p[5] == "" for p in placed)
    assert sum(v[0] for v in data["d"].values()) == 10_000


def test_a_crowded_page_still_names_the_unplaced_projects(world):
    bulk_projects(world, THIN_ABOVE)
    data = world.client(world.leader).get(DATA).json()
    assert data["thin"] == 1
    unplaced = {p[0]: p[5] for p in data["p"] if p[1] is None}
    assert unplaced == {world.own.pk: "牧野路改造工程", world.other.pk: "沿黄高速武陟至济源段"}
