"""The annual target flow through its services: draft → submitted → accepted / returned,
item-by-item review, locking, versions, the ledger following, audit records."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyworks.audit.models import ChangeRecord
from keyworks.targets import services
from keyworks.targets.models import AnnualTarget, ItemState, TargetStatus
from keyworks.targets.services import ACCEPT, RETURN

from .conftest import YEAR, accepted, content, decisions, drafted, returned, submitted


def records(target):
    return list(
        ChangeRecord.objects.filter(
            object_type="targets.annualtarget", object_id=str(target.pk)
        ).order_by("id")
    )


def test_it_creates_a_draft_with_items(world):
    target = drafted(world)
    assert target.status == TargetStatus.DRAFT
    assert target.revision == 1
    assert target.investment == Decimal("4000.00")
    assert [i.name for i in services.milestones(target)] == ["主体封顶", "建成投产"]
    assert [(i.name, i.unit, i.value) for i in services.indicators(target)] == [
        ("道路建成", "米", Decimal("6168.10"))
    ]
    (record,) = records(target)
    assert record.action == "create"
    assert record.after["investment"] == "4000.00"
    assert len(record.after["items"]) == 3
    assert record.project_id == world.own.pk


def test_a_second_first_version_is_refused(world):
    drafted(world)
    with pytest.raises(ValidationError) as exc:
        drafted(world)
    assert "year" in exc.value.message_dict
    assert AnnualTarget.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"investment": Decimal("-1")}, "investment"),
        ({"investment": None}, "investment"),
        ({"investment": Decimal("1.005")}, "investment"),
        ({"milestones": [{"name": "封顶", "planned_date": datetime.date(YEAR + 1, 1, 5)}]},
         "milestones"),
        ({"milestones": [{"name": "", "planned_date": datetime.date(YEAR, 1, 5)}]}, "milestones"),
        ({"milestones": [{"name": "A", "planned_date": datetime.date(YEAR, 1, 5)}] * 2},
         "milestones"),
        ({"indicators": [{"name": "产量", "unit": "", "value": Decimal("1")}]}, "indicators"),
        ({"indicators": [{"name": "产量", "unit": "台", "value": Decimal("-3")}]}, "indicators"),
    ],
)  # fmt: skip
def test_bad_content_is_refused_naming_the_field(world, change, field):
    data = content()
    data.update(change)
    with pytest.raises(ValidationError) as exc:
        services.create_target(world.own, YEAR, data, by=world.member)
    assert field in exc.value.message_dict
    assert not AnnualTarget.objects.exists()


def test_row_errors_name_the_row(world):
    data = content(milestones=[
        {"name": "主体封顶", "planned_date": datetime.date(YEAR, 3, 1)},
        {"name": "", "planned_date": None},
    ])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.create_target(world.own, YEAR, data, by=world.member)
    assert exc.value.message_dict["milestones"][0].startswith("第2行")


def test_submitting_twice_submits_once(world):
    target = submitted(world)
    again = services.submit_target(target, by=world.member)
    assert again.status == TargetStatus.SUBMITTED
    assert [r.action for r in records(target)] == ["create", "submit"]


def test_accepting_every_item_locks_the_target_and_makes_it_current(world):
    target = accepted(world, investment="5200.00")
    assert target.status == TargetStatus.ACCEPTED
    assert target.investment_state == ItemState.ACCEPTED
    assert {i.state for i in target.items.all()} == {ItemState.ACCEPTED}
    assert services.accepted_target(world.own, YEAR) == target
    assert services.accepted_target(world.own, YEAR + 1) is None
    with pytest.raises(PermissionDenied):
        services.save_target(target, content(investment="1"), by=world.member)
    with pytest.raises(PermissionDenied):
        services.submit_target(
            AnnualTarget.objects.get(pk=target.pk), by=world.member
        )  # accepted: nothing to submit
    target.refresh_from_db()
    assert target.investment == Decimal("5200.00")


def test_acceptance_updates_the_ledgers_annual_investment_audited(world):
    accepted(world, investment="5200.00")
    world.own.refresh_from_db()
    assert world.own.annual_investment == Decimal("5200.00")
    change = ChangeRecord.objects.get(object_type="ledger.project", object_id=str(world.own.pk))
    assert change.action == "update"
    assert change.before == {"annual_investment": "4000.00"}
    assert change.after == {"annual_investment": "5200.00"}
    assert change.actor == world.office
    assert "年度目标" in change.reason


def test_a_target_for_another_year_leaves_the_ledger_alone(world):
    target = services.create_target(
        world.own,
        YEAR + 1,
        content(milestones=[], indicators=[], investment="9000"),
        by=world.member,
    )
    target = services.submit_target(target, by=world.member)
    services.review_target(target, decisions(target), by=world.office)
    world.own.refresh_from_db()
    assert world.own.annual_investment == Decimal("4000.00")


def test_returning_needs_a_decision_and_a_comment_per_item(world):
    target = submitted(world)
    partial = decisions(target)
    partial.pop("investment")
    with pytest.raises(ValidationError):
        services.review_target(target, partial, by=world.office)
    no_comment = decisions(target, 建成投产=(RETURN, "  "))
    with pytest.raises(ValidationError):
        services.review_target(target, no_comment, by=world.office)
    target.refresh_from_db()
    assert target.status == TargetStatus.SUBMITTED
    assert [r.action for r in records(target)] == ["create", "submit"]


def test_a_returned_item_carries_its_comment_and_the_rest_stay_accepted(world):
    target = returned(world)
    assert target.status == TargetStatus.RETURNED
    states = {i.name: (i.state, i.comment) for i in target.items.all()}
    assert states["建成投产"] == (ItemState.RETURNED, "日期偏晚，请提前")
    assert states["主体封顶"] == (ItemState.ACCEPTED, "")
    assert target.investment_state == ItemState.ACCEPTED
    assert records(target)[-1].action == "return"
    assert services.accepted_target(world.own, YEAR) is None
    world.own.refresh_from_db()
    assert world.own.annual_investment == Decimal("4000.00")  # not accepted yet


def test_task_force_fixes_returned_items_only_and_resubmits(world):
    target = returned(world)
    fixed = content(
        milestones=[
            {"name": "主体封顶", "planned_date": datetime.date(YEAR, 6, 30)},
            {"name": "建成投产", "planned_date": datetime.date(YEAR, 11, 30)},
        ]
    )
    target = services.save_target(target, fixed, by=world.member)
    states = {i.name: i.state for i in target.items.all()}
    assert states == {"主体封顶": ItemState.ACCEPTED, "建成投产": ItemState.PENDING,
                      "道路建成": ItemState.ACCEPTED}  # fmt: skip
    # Accepted items are locked: changing the investment or an accepted milestone fails.
    with pytest.raises(ValidationError) as exc:
        services.save_target(target, {**fixed, "investment": Decimal("1")}, by=world.member)
    assert "investment" in exc.value.message_dict
    moved = content(milestones=[{"name": "主体封顶", "planned_date": datetime.date(YEAR, 7, 1)}])
    with pytest.raises(ValidationError):
        services.save_target(target, moved, by=world.member)
    target = services.submit_target(target, by=world.member)
    assert services.pending_keys(target) == [
        f"item-{i.pk}" for i in target.items.all() if i.name == "建成投产"
    ]
    # Only pending items are reviewed again; deciding an accepted one is refused.
    investment_again = {**decisions(target), "investment": (ACCEPT, "")}
    with pytest.raises(ValidationError):
        services.review_target(target, investment_again, by=world.office)
    target = services.review_target(target, decisions(target), by=world.office)
    assert target.status == TargetStatus.ACCEPTED
    actions = [r.action for r in records(target)]
    assert actions == ["create", "submit", "return", "update", "submit", "accept"]


def test_an_unchanged_returned_item_is_pending_again_after_resubmission(world):
    target = returned(world)
    target = services.submit_target(target, by=world.member)
    item = target.items.get(name="建成投产")
    assert item.state == ItemState.PENDING
    assert item.comment == "日期偏晚，请提前"  # the last comment stays visible


def test_stale_versions_are_refused_and_nothing_is_lost(world):
    target = drafted(world)
    opened = target.version
    services.save_target(target, content(investment="4100"), by=world.member,
                         expected_version=opened)  # fmt: skip
    with pytest.raises(services.ConcurrentEditError):
        services.save_target(
            target, content(investment="4200"), by=world.member, expected_version=opened
        )
    target.refresh_from_db()
    assert target.investment == Decimal("4100.00")
    with pytest.raises(services.ConcurrentEditError):
        services.submit_target(target, by=world.member, expected_version=opened)
    target = services.submit_target(target, by=world.member, expected_version=target.version)
    with pytest.raises(services.ConcurrentEditError):
        services.review_target(
            target, decisions(target), by=world.office, expected_version=target.version - 1
        )
    assert AnnualTarget.objects.get(pk=target.pk).status == TargetStatus.SUBMITTED


def test_a_revision_is_a_new_version_with_a_reason_reviewed_the_same_way(world):
    first = accepted(world)
    with pytest.raises(ValidationError):
        services.revise_target(first, by=world.member, reason=" ")
    data = services.target_data(first)
    data["investment"] = first.investment * Decimal("1.1")
    second = services.revise_target(first, by=world.member, reason="追加投资10%", data=data)
    assert (second.revision, second.status, second.reason) == (2, TargetStatus.DRAFT, "追加投资10%")
    assert second.investment == Decimal("4400.00")
    assert {i.state for i in second.items.all()} == {ItemState.PENDING}
    assert records(second)[0].action == "revise"
    assert records(second)[0].reason == "追加投资10%"
    # Until the office accepts it, the first version is still current.
    assert services.accepted_target(world.own, YEAR) == first
    with pytest.raises(ValidationError):
        services.revise_target(first, by=world.member, reason="再调一次")
    second = services.submit_target(second, by=world.member)
    second = services.review_target(second, decisions(second), by=world.office)
    assert services.accepted_target(world.own, YEAR) == second
    world.own.refresh_from_db()
    assert world.own.annual_investment == Decimal("4400.00")
    # Every version stays.
    history = list(services.target_history(world.own, YEAR))
    assert [(t.revision, t.status) for t in history] == [
        (2, TargetStatus.ACCEPTED),
        (1, TargetStatus.ACCEPTED),
    ]
    with pytest.raises(ValidationError):  # only the current version can be revised
        services.revise_target(first, by=world.member, reason="旧版本")


def test_revision_defaults_to_a_copy_of_the_accepted_content(world):
    first = accepted(world)
    second = services.revise_target(first, by=world.member, reason="节点调整")
    assert services.target_data(second) == services.target_data(first)


def test_a_returned_revision_can_be_fixed_and_resubmitted(world):
    first = accepted(world)
    second = services.submit_target(
        services.revise_target(first, by=world.member, reason="调增"), by=world.member
    )
    second = services.review_target(
        second, decisions(second, investment=(RETURN, "依据不足")), by=world.office
    )
    assert second.status == TargetStatus.RETURNED
    assert second.investment_comment == "依据不足"
    second = services.save_target(second, content(investment="4300"), by=world.member)
    assert second.investment_state == ItemState.PENDING
    assert services.accepted_target(world.own, YEAR) == first
