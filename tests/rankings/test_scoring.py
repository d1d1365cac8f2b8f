"""Scoring arithmetic, paused projects, movement and publishing on the hand-made world
of conftest.py (every number below is worked out there by hand)."""

import dataclasses
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.audit.models import ChangeRecord
from keyworks.coordination.measures import project_problem_timeliness
from keyworks.ledger.models import Project
from keyworks.rankings import services
from keyworks.rankings.models import PARTS, RankingScheme, RankingSnapshot
from keyworks.rankings.scoring import Figures, _verification
from keyworks.reporting.models import MonthlyReport
from tests.conftest import make_project

from .conftest import NOV_DEC, SEP_OCT, at, pause


def table(ranking, dimension, group=""):
    found = next(t for t in ranking.tables[dimension] if t.group_key == group)
    return {row.label: row for row in found.rows}, found


def parts(row):
    return {p.code: p.score for p in row.parts}


def test_problem_timeliness_per_project(ranked):
    result = project_problem_timeliness(
        ranked.programme, NOV_DEC.start, NOV_DEC.end, now=at(12, 31, 20)
    )
    assert (result[ranked.own.pk].due, result[ranked.own.pk].on_time) == (2, 1)
    assert (result[ranked.other.pk].due, result[ranked.other.pk].on_time) == (1, 0)
    assert ranked.third.pk not in result
    # Judged on 20 Nov: own's December problem is not due yet, other's not closed yet.
    early = project_problem_timeliness(ranked.programme, NOV_DEC.start, NOV_DEC.end, now=at(11, 20))
    assert (early[ranked.own.pk].due, early[ranked.own.pk].on_time) == (1, 1)
    assert ranked.other.pk not in early


def test_task_force_scores_by_hand(ranked):
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    rows, found = table(ranking, "task_force")
    own, other, third = rows["牧野路专班"], rows["沿黄高速专班"], rows["污水厂专班"]
    assert parts(own) == {
        "investment": Decimal("24.00"),
        "milestones": Decimal("10.00"),
        "problems": Decimal("10.00"),
        "reports": Decimal("10.00"),
        "verification": Decimal("10.00"),
    }
    assert own.total == Decimal("64.00")
    assert parts(other) == {
        "investment": Decimal("40.00"),
        "milestones": Decimal("20.00"),
        "problems": Decimal("0.00"),
        "reports": Decimal("0.00"),
        "verification": Decimal("10.00"),
    }
    assert other.total == Decimal("70.00") and third.total == Decimal("61.00")
    assert third.part("verification").score == Decimal("9.00")
    assert third.part("verification").figure == "核实 540.00/600.00 万元（90.0%）"
    assert [r.label for r in found.rows] == ["沿黄高速专班", "牧野路专班", "污水厂专班"]
    assert [r.rank for r in found.rows] == [1, 2, 3]
    assert own.part("investment").figure == "完成率 60.0%（序时 100.0%）"
    assert own.part("milestones").figure == "按期 1/2"
    assert other.part("milestones").no_data
    assert other.part("verification").figure == "暂无核验数据"


def test_parts_follow_the_scheme_and_are_shared_unchanged(ranked):
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    order = [code for code, _label, _weight in PARTS]
    rows = [row for tables in ranking.tables.values() for t in tables for row in t.rows]
    assert rows and all([p.code for p in row.parts] == order for row in rows)
    # Equal parts are one object shared by the rows, so they must not be changed.
    with pytest.raises(dataclasses.FrozenInstanceError):
        rows[0].parts[0].score = Decimal("0")


def test_verification_figure_groups_thousands():
    figures = Figures(
        elapsed=Decimal("100.0"),
        verified=Decimal("145631.73"),
        verified_reported=Decimal("142776.21"),
    )
    part = _verification(10, figures)
    assert part.figure == "核实 145,631.73/142,776.21 万元（102.0%）"
    assert part.score == Decimal("10.00")


def test_district_scores_sum_figures(ranked):
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    rows, found = table(ranking, "district")
    wuzhi = rows["武陟县"]
    assert parts(wuzhi) == {
        "investment": Decimal("33.32"),
        "milestones": Decimal("20.00"),
        "problems": Decimal("0.00"),
        "reports": Decimal("0.00"),
        "verification": Decimal("9.00"),
    }
    assert wuzhi.total == Decimal("62.32")
    assert rows["解放区"].total == Decimal("64.00")
    assert [(r.label, r.rank) for r in found.rows] == [("解放区", 1), ("武陟县", 2)]


def test_projects_ranked_within_category(ranked):
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    infra, _ = table(ranking, "project", str(ranked.infra.pk))
    industry, _ = table(ranking, "project", str(ranked.industry.pk))
    assert {k: (r.rank, r.total) for k, r in infra.items()} == {
        "沿黄高速武陟至济源段": (1, Decimal("70.00")),
        "焦作新区污水处理厂": (2, Decimal("61.00")),
    }
    assert {k: r.rank for k, r in industry.items()} == {"牧野路改造工程": 1}


def test_scheme_weights_change_the_scores(ranked):
    services.update_scheme(
        ranked.programme,
        {
            "weight_investment": 50,
            "weight_milestones": 20,
            "weight_problems": 10,
            "weight_reports": 10,
            "weight_verification": 10,
            "red_count": 1,
            "black_count": 1,
        },
        by=ranked.office,
    )
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    rows, found = table(ranking, "task_force")
    # own: 50 × 0.6 = 30 + 10 + 5 + 10 + 10 = 65.00
    assert rows["牧野路专班"].total == Decimal("65.00")
    assert [r.label for r in found.red] == ["沿黄高速专班"]
    assert [r.label for r in found.black] == ["污水厂专班"]


def test_red_and_black_lists_do_not_overlap(ranked):
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    _rows, found = table(ranking, "task_force")
    assert [r.label for r in found.red] == ["沿黄高速专班", "牧野路专班", "污水厂专班"]
    assert found.black == []  # all three are on the red list already


def test_paused_project_is_left_out(ranked):
    pause(ranked.third, ranked.office, at(12, 5))
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    tf, _ = table(ranking, "task_force")
    assert "污水厂专班" not in tf
    districts, _ = table(ranking, "district")
    assert districts["武陟县"].total == Decimal("70.00")  # other alone
    assert districts["武陟县"].rank == 1
    infra, _ = table(ranking, "project", str(ranked.infra.pk))
    assert list(infra) == ["沿黄高速武陟至济源段"]


def test_pause_long_before_the_period_does_not_exclude(ranked):
    pause(ranked.third, ranked.office, at(3, 1)).__class__.objects.filter(
        project=ranked.third
    ).update(ended_at=at(4, 1))
    tf, _ = table(services.ranking_for(ranked.programme, NOV_DEC), "task_force")
    assert tf["污水厂专班"].total == Decimal("61.00")


def test_movement_against_live_previous_period(ranked):
    before, _ = table(services.ranking_for(ranked.programme, SEP_OCT), "task_force")
    assert {k: (r.rank, r.total) for k, r in before.items()} == {
        "牧野路专班": (1, Decimal("55.00")),
        "沿黄高速专班": (2, Decimal("50.00")),
        "污水厂专班": (2, Decimal("50.00")),
    }
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    rows, _ = table(ranking, "task_force")
    assert rows["沿黄高速专班"].movement_label == "↑1"
    assert rows["牧野路专班"].movement_label == "↓1"
    assert rows["污水厂专班"].movement_label == "↓1"
    assert ranking.previous_published is False
    infra, _ = table(ranking, "project", str(ranked.infra.pk))
    assert infra["沿黄高速武陟至济源段"].movement_label == "—"


def test_first_period_has_no_movement(ranked):
    from keyworks.rankings.periods import Period

    rows, _ = table(services.ranking_for(ranked.programme, Period(2025, 1)), "task_force")
    assert {r.movement_label for r in rows.values()} == {""}


def test_movement_uses_published_snapshot_and_marks_new(ranked):
    services.publish(ranked.programme, SEP_OCT, by=ranked.office)
    # Later changes to Sep–Oct data do not move the published ranks: without own's
    # October report all three would tie live.
    MonthlyReport.objects.filter(project=ranked.own, month=datetime.date(2025, 10, 1)).delete()
    fourth = make_project(
        ranked.programme, ranked.infra, 4, "市再生水综合利用", ranked.district_b, "再生水专班"
    )
    Project.objects.filter(pk=fourth.pk).update(annual_investment=None)
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    assert ranking.previous_published is True
    rows, _ = table(ranking, "task_force")
    # The newcomer has no annual target (full marks) and no reports: 40+20+20+0+10 = 90,
    # first; then other 70 (2nd, was 2nd), own 64 (3rd, was 1st), third 61 (4th, was 2nd).
    # Live, Sep–Oct would now be a three-way tie for 1st (other: ↓1).
    assert rows["再生水专班"].total == Decimal("90.00")
    assert [rows[k].rank for k in ("再生水专班", "沿黄高速专班", "牧野路专班", "污水厂专班")] == [
        1,
        2,
        3,
        4,
    ]
    assert rows["沿黄高速专班"].movement_label == "—"
    assert rows["牧野路专班"].movement_label == "↓2"
    assert rows["污水厂专班"].movement_label == "↓2"
    assert rows["再生水专班"].movement_label == "新"
    assert rows["再生水专班"].previous_rank is None


def test_publish_freezes_the_ranking(ranked):
    snap = services.publish(ranked.programme, NOV_DEC, by=ranked.office)
    assert snap.rows.filter(dimension="task_force").count() == 3
    assert ChangeRecord.objects.filter(action="publish", object_id=str(snap.pk)).exists()
    # The data changes afterwards: own now meets its whole annual target.
    Project.objects.filter(pk=ranked.own.pk).update(annual_investment=Decimal("2400.00"))
    live = services.compute(
        ranked.programme, NOV_DEC, RankingScheme.for_programme(ranked.programme).as_json()
    )
    live_own = next(r for r in live["task_force"][0].rows if r.label == "牧野路专班")
    assert live_own.total == Decimal("80.00")
    ranking = services.ranking_for(ranked.programme, NOV_DEC)
    rows, _ = table(ranking, "task_force")
    assert ranking.published == snap
    assert rows["牧野路专班"].total == Decimal("64.00")
    assert parts(rows["牧野路专班"])["investment"] == Decimal("24.00")
    assert rows["牧野路专班"].part("investment").figure == "完成率 60.0%（序时 100.0%）"
    # A scheme change afterwards does not touch the published period either.
    services.update_scheme(
        ranked.programme,
        {
            "weight_investment": 60,
            "weight_milestones": 10,
            "weight_problems": 10,
            "weight_reports": 10,
            "weight_verification": 10,
            "red_count": 3,
            "black_count": 3,
        },
        by=ranked.office,
    )
    again = services.ranking_for(ranked.programme, NOV_DEC)
    assert again.weights["investment"] == 40
    assert table(again, "task_force")[0]["牧野路专班"].total == Decimal("64.00")


def test_publish_only_once_and_only_by_office(ranked):
    with pytest.raises(PermissionDenied):
        services.publish(ranked.programme, NOV_DEC, by=ranked.leader)
    services.publish(ranked.programme, NOV_DEC, by=ranked.office)
    with pytest.raises(ValidationError):
        services.publish(ranked.programme, NOV_DEC, by=ranked.office)
    assert RankingSnapshot.objects.count() == 1


def test_a_running_period_cannot_be_published(ranked):
    with pytest.raises(ValidationError) as exc:
        services.publish(ranked.programme, NOV_DEC, by=ranked.office, now=at(12, 31, 20))
    assert "本期尚未结束" in str(exc.value)
    services.publish(
        ranked.programme,
        NOV_DEC,
        by=ranked.office,
        now=datetime.datetime(2026, 1, 1, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    assert RankingSnapshot.objects.count() == 1


def test_query_count_does_not_grow_with_projects(ranked):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            services.ranking_for(ranked.programme, NOV_DEC)
        return len(ctx.captured_queries)

    before = count()
    for seq in range(10, 16):
        extra = make_project(
            ranked.programme, ranked.industry, seq, f"项目{seq}", ranked.district_a, f"专班{seq}"
        )
        MonthlyReport.objects.create(
            project=extra,
            month=datetime.date(2025, 12, 1),
            status="accepted",
            submitted_at=at(12, 28),
        )
    assert count() == before
