"""The coordination benchmark cases import and run on a tiny synthetic set (not timed
here): every case without error, the same query count on both sets."""

import sys
from pathlib import Path

import pytest

from keyworks.demo.synth import build_synth

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def coordination_cases(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import cases
    import coordination_cases

    monkeypatch.setattr(cases, "MEASURE_IN_NEW_PROCESS", False)

    yield coordination_cases
    for name in ("coordination_cases", "cases", "report"):
        sys.modules.pop(name, None)


def test_coordination_cases_run_on_a_tiny_set(db, coordination_cases):
    # Seeds chosen so that both lists show rows on both sets (checked at the end).
    large = build_synth(projects=30, seed=45, months=12, problems=90).programme
    small = build_synth(projects=20, seed=48, months=12, problems=60).programme
    results = coordination_cases.measure_coordination(large, small, runs=1)
    assert [r.key for r in results] == [
        "coord-list",
        "coord-as-of",
        "coord-agenda",
        "coord-ranking",
    ]
    for r in results:
        assert r.error is None and r.app and r.baseline, r.key
        assert r.queries_large == r.queries_small > 0, (r.key, r.queries_small, r.queries_large)
    assert "(set: 90 problems" in results[0].notes[0]
    # Both lists show rows on both sets, so the counts compare the same statements.
    for programme in (large, small):
        assert coordination_cases.app_list(programme)() > 0
        assert coordination_cases.app_as_of(programme)() > 0
