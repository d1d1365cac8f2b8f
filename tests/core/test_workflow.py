"""The workflow kernel's rules without a domain: which refusal comes first, what a status
allows, the version a page sends back, a step taken from a page."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import translation

from keyworks.coordination.models import Problem, ProblemStatus
from keyworks.core.errors import ConcurrentEditError
from keyworks.core.workflow import (
    StatusRules,
    Workflow,
    posted_version,
    run_step,
    stale_message,
    steps_open_to,
)


class Item(StatusRules):
    STEPS = {"close": ("open",)}

    def __init__(self, status="open", version=1):
        self.status, self.version = status, version

    @property
    def is_final(self):
        return self.status == "closed"


def flow(may=lambda user, step, item: user == "office"):
    return Workflow(events=None, may=may, log=None, scope=dict, final="已办结 / closed")


def test_a_step_not_named_is_possible_in_any_status():
    assert Item("open").allows("close") and not Item("done").allows("close")
    assert Item("done").allows("view")


@pytest.mark.parametrize(
    ("status", "user", "version", "error"),
    [
        ("closed", "office", 1, ValidationError),  # final first, whoever asks
        ("open", "leader", 2, PermissionDenied),  # then the role
        ("done", "office", 2, ConcurrentEditError),  # then the version the user saw
        ("done", "office", 1, PermissionDenied),  # then the status
        ("open", "office", 1, None),
    ],
)
def test_the_order_of_refusals(status, user, version, error):
    item = Item(status, version=1)
    check = lambda: flow().check(item, by=user, step="close", expected_version=version)  # noqa: E731
    if error is None:
        check()
    else:
        with pytest.raises(error):
            check()


def test_a_final_item_is_not_found_for_who_may_not_see_it():
    hidden = flow(may=lambda user, step, item: False)
    with pytest.raises(PermissionDenied):
        hidden.check(Item("closed"), by="outsider", step="close")


def test_the_steps_a_page_offers_need_the_role_and_the_status():
    may = lambda user, step, item: user == "office"  # noqa: E731
    assert steps_open_to("office", Item("open"), may, ["close"]) == {"close": True}
    assert steps_open_to("office", Item("done"), may, ["close"]) == {"close": False}
    assert steps_open_to("leader", Item("open"), may, ["close"]) == {"close": False}


def test_overdue_is_a_status_that_waits_and_a_deadline_passed():
    day = datetime.date(2025, 6, 1)
    assert Problem.was_overdue(ProblemStatus.ASSIGNED, day - datetime.timedelta(days=1), day)
    assert not Problem.was_overdue(ProblemStatus.ASSIGNED, day, day)
    assert not Problem.was_overdue(ProblemStatus.RESOLVED, datetime.date(2025, 1, 1), day)


def test_the_version_a_form_sends_back():
    assert posted_version({"version": "3"}) == 3
    assert posted_version({"version": ""}) is None
    assert posted_version({}) is None
    assert posted_version({"version": "x"}) is None


def page_request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def fails(error):
    def take():
        raise error

    return take


def test_run_step_says_what_happened():
    request = page_request()
    assert run_step(request, lambda: None, "已保存 / Saved")
    stale = type("Stale", (ConcurrentEditError,), {"message": stale_message("该问题", "It")})
    assert not run_step(request, fails(stale()), "x")
    assert not run_step(request, fails(ValidationError("请填写")), "x")
    texts = [str(m) for m in get_messages(request)]
    assert texts[0] == "已保存 / Saved"
    assert texts[1].startswith("该问题已被他人处理") and "changed" not in texts[1]
    with translation.override("en"):
        assert str(stale()).startswith("It was changed by someone else")
    assert texts[2] == "请填写"
    with pytest.raises(PermissionDenied):  # a refusal is the page's 403
        run_step(request, fails(PermissionDenied()), "x")
