"""The demo: Sep–Oct 2025 published, so Nov–Dec shows movement; loading is idempotent."""

import pytest

from keyworks.demo.loader import load_demo
from keyworks.rankings import demo as rankings_demo
from keyworks.rankings import services
from keyworks.rankings.models import RankingRow, RankingSnapshot
from keyworks.rankings.periods import Period


@pytest.fixture
def demo(db):
    return load_demo().programme


def test_sep_oct_is_published_and_nov_dec_moves(demo):
    snap = RankingSnapshot.objects.get(programme=demo)
    assert snap.start_month.isoformat() == "2025-09-01"
    assert snap.rows.filter(dimension="task_force").count() > 10
    ranking = services.ranking_for(demo, Period(2025, 6))
    assert ranking.published is None and ranking.previous_published
    rows = ranking.tables["task_force"][0].rows
    labels = {r.movement_label for r in rows}
    assert any(label.startswith(("↑", "↓")) for label in labels)
    assert len(ranking.tables["task_force"][0].red) == 3
    assert len(ranking.tables["task_force"][0].black) == 3


def test_loading_again_adds_nothing(demo):
    count = RankingRow.objects.count()
    assert rankings_demo.load_demo(demo) == {}
    assert RankingRow.objects.count() == count
