"""The annual target pages: filing, item-by-item review, fixing, revising, the list."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from keyworks.targets import services
from keyworks.targets.models import AnnualTarget, ItemState, TargetStatus

from .conftest import YEAR, accepted, decisions, drafted, returned, submitted


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request leaves its language active in the thread: back to the default after."""
    yield
    translation.deactivate()


def form_data(investment="4000.00", milestones=(), indicators=(), **extra) -> dict:
    data = {
        "investment": investment,
        "m-TOTAL_FORMS": str(len(milestones) + 1),
        "m-INITIAL_FORMS": "0",
        "i-TOTAL_FORMS": str(len(indicators) + 1),
        "i-INITIAL_FORMS": "0",
        **extra,
    }
    for n, (name, day) in enumerate(milestones):
        data[f"m-{n}-name"], data[f"m-{n}-planned_date"] = name, day
    for n, (name, unit, value) in enumerate(indicators):
        data[f"i-{n}-name"], data[f"i-{n}-unit"], data[f"i-{n}-value"] = name, unit, value
    return data


def test_task_force_files_and_submits_a_target_on_the_page(world):
    client = world.client(world.member)
    page = client.get(reverse("targets:project", args=[world.own.pk, YEAR]))
    assert 'id="create-target"' in page.content.decode()
    response = client.post(
        reverse("targets:create", args=[world.own.pk, YEAR]),
        form_data(
            "5000.50",
            milestones=[("主体封顶", f"{YEAR}-06-30"), ("建成投产", f"{YEAR}-12-20")],
            indicators=[("空压机交付", "台", "102")],
            action="submit",
        ),
    )
    assert response.status_code == 302
    target = AnnualTarget.objects.get()
    assert target.status == TargetStatus.SUBMITTED
    assert target.investment == Decimal("5000.50")
    assert {i.name for i in target.items.all()} == {"主体封顶", "建成投产", "空压机交付"}
    page = client.get(response["Location"]).content.decode()
    assert "待审核" in page and "空压机交付" in page


def test_bad_rows_are_shown_and_nothing_is_saved(world):
    client = world.client(world.member)
    response = client.post(
        reverse("targets:create", args=[world.own.pk, YEAR]),
        form_data(milestones=[("主体封顶", f"{YEAR + 1}-01-10")], action="submit"),
    )
    assert response.status_code == 200
    assert f"计划日期应在{YEAR}年内" in response.content.decode()
    assert not AnnualTarget.objects.exists()


def test_office_sees_targets_awaiting_review_and_filters_by_status(world):
    submitted(world)
    accepted(world, world.other)
    client = world.client(world.office)
    page = client.get(reverse("targets:target_list")).content.decode()
    assert 'id="awaiting-review"' in page
    assert 'data-count="submitted">1<' in page
    filtered = client.get(reverse("targets:target_list") + "?status=submitted").content.decode()
    assert world.own.name in filtered and world.other.name not in filtered
    accepted_only = client.get(reverse("targets:target_list") + "?status=accepted")
    assert world.other.name in accepted_only.content.decode()
    assert world.own.name not in accepted_only.content.decode()
    member_page = world.client(world.member).get(reverse("targets:target_list")).content.decode()
    assert 'id="awaiting-review"' not in member_page


def test_the_list_costs_the_same_queries_for_more_projects(world, django_assert_max_num_queries):
    submitted(world)
    accepted(world, world.other)
    client = world.client(world.office)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("targets:target_list")).status_code == 200


def test_office_reviews_item_by_item_on_the_page(world):
    target = submitted(world)
    client = world.client(world.office)
    url = reverse("targets:review", args=[target.pk])
    form = client.get(url).content.decode()
    assert 'name="decision-investment"' in form
    late = target.items.get(name="建成投产")
    data = {f"decision-{k}": "accept" for k in services.pending_keys(target)}
    data["version"] = target.version
    data[f"decision-item-{late.pk}"] = "return"
    missing_comment = client.post(url, data)
    assert missing_comment.status_code == 200
    assert "请填写意见" in missing_comment.content.decode()
    assert AnnualTarget.objects.get(pk=target.pk).status == TargetStatus.SUBMITTED
    data[f"comment-item-{late.pk}"] = "请提前到11月"
    response = client.post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == TargetStatus.RETURNED
    page = world.client(world.member).get(response["Location"]).content.decode()
    assert "请提前到11月" in page and 'id="edit-target"' in page


def test_returned_target_edit_page_locks_accepted_rows(world):
    target = returned(world)
    client = world.client(world.member)
    url = reverse("targets:edit", args=[target.pk])
    page = client.get(url).content.decode()
    assert 'name="investment"' in page and "readonly" in page
    data = form_data(
        "4000.00",
        milestones=[("主体封顶", f"{YEAR}-06-30"), ("建成投产", f"{YEAR}-11-30")],
        indicators=[("道路建成", "米", "6168.10")],
        action="submit",
        version=target.version,
    )
    assert client.post(url, data).status_code == 302
    target.refresh_from_db()
    assert target.status == TargetStatus.SUBMITTED
    assert target.items.get(name="主体封顶").state == ItemState.ACCEPTED
    assert target.items.get(name="建成投产").state == ItemState.PENDING


def test_a_stale_edit_page_says_so_and_keeps_the_newer_save(world):
    target = drafted(world)
    client = world.client(world.member)
    url = reverse("targets:edit", args=[target.pk])
    stale = form_data("4100", version=target.version, action="save")
    services.save_target(target, {**services.target_data(target), "investment": Decimal("4500")},
                         by=world.member)  # fmt: skip
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    target.refresh_from_db()
    assert target.investment == Decimal("4500.00")


def test_revise_page_makes_a_new_version_shown_in_the_history(world):
    first = accepted(world)
    client = world.client(world.member)
    project_url = reverse("targets:project", args=[world.own.pk, YEAR])
    assert 'id="revise-target"' in client.get(project_url).content.decode()
    url = reverse("targets:revise", args=[first.pk])
    no_reason = client.post(url, form_data("4400.00", action="submit"))
    assert no_reason.status_code == 200
    assert AnnualTarget.objects.count() == 1
    data = form_data(
        "4400.00",
        milestones=[("主体封顶", f"{YEAR}-06-30"), ("建成投产", f"{YEAR}-12-31")],
        indicators=[("道路建成", "米", "6168.10")],
        action="submit",
        reason="年度计划投资上调10%",
    )
    assert client.post(url, data).status_code == 302
    second = AnnualTarget.objects.get(revision=2)
    assert second.status == TargetStatus.SUBMITTED and second.reason == "年度计划投资上调10%"
    page = client.get(project_url).content.decode()
    assert 'data-revision="2"' in page and 'data-revision="1"' in page
    assert "年度计划投资上调10%" in page
    assert "现行目标" in page and "4,000.00" in page  # the first version is still current


def test_project_page_shows_review_action_to_the_office_only(world):
    submitted(world)
    url = reverse("targets:project", args=[world.own.pk, YEAR])
    assert 'id="review-target"' in world.client(world.office).get(url).content.decode()
    assert 'id="review-target"' not in world.client(world.leader).get(url).content.decode()


def test_a_bad_year_is_not_found(world):
    url = reverse("targets:project", args=[world.own.pk, 1900])
    assert world.client(world.office).get(url).status_code == 404


def test_project_page_queries_do_not_grow_with_versions(world, django_assert_max_num_queries):
    first = accepted(world)
    second = services.submit_target(
        services.revise_target(first, by=world.member, reason="调整"), by=world.member
    )
    services.review_target(second, decisions(second), by=world.office)
    client = world.client(world.office)
    url = reverse("targets:project", args=[world.own.pk, YEAR])
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_target_pages_speak_chinese_by_default_and_english_when_asked(world):
    client = world.client(world.member)
    url = reverse("targets:create", args=[world.own.pk, YEAR])
    data = form_data(milestones=[("主体封顶", f"{YEAR + 1}-01-10")], action="submit")
    chinese = client.post(url, data).content.decode()
    assert "填报年度目标" in chinese and f"第1行：计划日期应在{YEAR}年内" in chinese
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "File the annual target" in english
    assert f"Row 1: the planned date must be within {YEAR}" in english
    assert "填报年度目标" not in english
