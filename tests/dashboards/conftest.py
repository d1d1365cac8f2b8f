from pathlib import Path

import pytest
from django.utils import translation

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


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread: back to the default."""
    yield
    translation.activate("zh-hans")
