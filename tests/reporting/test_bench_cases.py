"""The reporting benchmark cases import and run on a tiny synthetic set (not timed here)."""

import sys
from pathlib import Path

import pytest

from keyworks.demo.synth import build_synth

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def reporting_cases(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import cases
    import reporting_cases

    monkeypatch.setattr(cases, "MEASURE_IN_NEW_PROCESS", False)

    yield reporting_cases
    for name in ("reporting_cases", "cases", "report"):
        sys.modules.pop(name, None)


def test_reporting_cases_run_on_a_tiny_set(db, reporting_cases):
    large = build_synth(projects=8, seed=41, months=12).programme
    small = build_synth(projects=3, seed=42, months=12).programme
    results = reporting_cases.measure_reporting(large, small, runs=1, heavy_runs=1)
    keys = ["rep-summary", "rep-export", "rep-measures", "rep-measures-page", "rep-report-list"]
    assert [r.key for r in results] == keys
    for r in results:
        assert r.error is None and r.app and r.baseline, (r.key, r.error)
        assert r.queries_large == r.queries_small > 0, r.key
    # the pages agree with their baselines (the run fails the case otherwise)
    assert "the same in the page and its baseline" in results[3].notes[0]
    assert "reports missing" in results[4].notes[0]
    assert "96 monthly reports" in results[0].notes[0]
