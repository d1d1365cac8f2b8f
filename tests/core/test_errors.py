"""The shared checks that services raise their errors with."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from keyworks.core.errors import ConcurrentEditError, check_version, required_text


class ProblemChanged(ConcurrentEditError):
    message = "该问题已被他人处理"


def test_check_version_refuses_a_stale_version_with_the_apps_error():
    row = SimpleNamespace(version=3)
    check_version(row, 3)
    check_version(row, "3")  # as a form posts it
    check_version(row, None)  # no version held: no check
    with pytest.raises(ProblemChanged, match="已被他人处理"):
        check_version(row, 2, ProblemChanged)
    with pytest.raises(ConcurrentEditError):
        check_version(row, "4")
    with pytest.raises(ConcurrentEditError):
        check_version(row, "x3")  # a tampered form field saves nothing


def test_required_text_strips_or_names_the_field():
    assert required_text("  说明 \n", "note", "请填写") == "说明"
    with pytest.raises(ValidationError) as raised:
        required_text("   ", "note", "请填写说明 / Write a note")
    assert raised.value.message_dict == {"note": ["请填写说明 / Write a note"]}
    with pytest.raises(ValidationError):
        required_text(None, "title", "请填写")
