from pathlib import Path

import pytest

from keyworks.dashboards.geo import read_collection
from keyworks.dashboards.services import import_boundaries

FIXTURES = Path(__file__).parent / "fixtures"
DISTRICTS = FIXTURES / "districts.geojson"


def load_world_boundaries(world) -> None:
    import_boundaries(read_collection(DISTRICTS), by=None, parent=world.city)


@pytest.fixture
def mapped_world(world):
    load_world_boundaries(world)
    return world
