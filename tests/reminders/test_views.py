"""The reminder page, the home panel and GET /api/reminders: every role × own/other."""

import pytest
from django.urls import reverse
from django.utils import translation

from .conftest import returned

ROLES = ("office", "leader", "inspector", "member", "other_member", "district", "department_user")


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request leaves its language active in the thread: back to the default after."""
    yield
    translation.deactivate()


@pytest.mark.parametrize("role", ROLES)
def test_every_member_of_a_programme_has_a_reminder_page(world, role):
    response = world.client(getattr(world, role)).get(reverse("reminders:list"))
    assert response.status_code == 200
    assert "工作提醒" in response.content.decode()


def test_outsider_gets_404_and_visitor_the_login(world):
    assert world.client(world.outsider).get(reverse("reminders:list")).status_code == 404
    response = world.client(None).get(reverse("reminders:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_page_lists_the_users_own_reminders_grouped(world):
    report = returned(world)  # own project: the member fixes it
    page = world.client(world.member).get(reverse("reminders:list")).content.decode()
    assert 'data-group="report_returned"' in page
    assert f'href="/reporting/{report.pk}/edit/"' in page
    other = world.client(world.other_member).get(reverse("reminders:list")).content.decode()
    assert f"/reporting/{report.pk}/" not in other


def test_home_shows_the_panel_with_count_and_links(world):
    report = returned(world)
    page = world.client(world.member).get("/").content.decode()
    assert 'id="reminder-panel"' in page
    assert f'href="/reporting/{report.pk}/edit/"' in page
    assert reverse("reminders:list") in page
    # Nobody outside a programme gets a panel; they go to the ledger as before.
    response = world.client(world.outsider).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("ledger:project_list")


def test_api_lists_the_signed_in_users_reminders(world):
    report = returned(world)
    data = world.client(world.member).get("/api/reminders").json()
    returned_items = [i for i in data["items"] if i["kind"] == "report_returned"]
    assert [i["url"] for i in returned_items] == [f"/reporting/{report.pk}/edit/"]
    assert returned_items[0]["kind_label"].startswith("退回待修改的月报")
    assert data["count"] == len(data["items"])
    assert any(g["kind"] == "report_returned" and g["count"] == 1 for g in data["groups"])
    other = world.client(world.other_member).get("/api/reminders").json()
    assert all(i["kind"] != "report_returned" for i in other["items"])


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_every_member(world, role):
    assert world.client(getattr(world, role)).get("/api/reminders").status_code == 200


def test_api_outsider_404_and_anonymous_401(world):
    assert world.client(world.outsider).get("/api/reminders").status_code == 404
    assert world.client(None).get("/api/reminders").status_code == 401


def test_the_reminder_page_speaks_the_language_asked_for(world):
    client = world.client(world.member)
    chinese = client.get(reverse("reminders:list")).content.decode()
    assert "提醒由系统按当前数据实时计算，办理后自动消失。" in chinese
    english = client.get(reverse("reminders:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reminders are computed from the current data" in english
    assert "提醒由系统按当前数据实时计算" not in english
