"""The dashboard benchmark cases import and run on a tiny synthetic set (not timed here)."""

import sys
from pathlib import Path

import pytest

from keyworks.demo.synth import build_synth
from keyworks.ledger.models import Programme

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def dashboard_cases(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import cases
    import dashboard_cases

    monkeypatch.setattr(cases, "MEASURE_IN_NEW_PROCESS", False)

    yield dashboard_cases
    for name in ("dashboard_cases", "cases", "report"):
        sys.modules.pop(name, None)


def test_dashboard_cases_run_on_a_tiny_set(db, dashboard_cases):
    build_synth(projects=6, seed=31)
    build_synth(projects=3, seed=32)
    large, small = (Programme.objects.get(code=f"synth-{s}") for s in (31, 32))
    results = dashboard_cases.measure_dashboards(large, small, runs=1)
    assert [r.key for r in results] == ["dash-command", "dash-map", "dash-schedule"]
    for r in results:
        assert r.error is None and r.app and r.baseline
        assert r.queries_large == r.queries_small > 0, r.key
    assert any("map payload aim < 1 MB: met" in note for note in results[1].notes)
