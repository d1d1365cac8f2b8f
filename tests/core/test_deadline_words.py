"""A reminder's deadline words follow the active language."""

import datetime

from django.utils import translation

from keyworks.core.reminders import deadline_state

TODAY = datetime.date(2025, 5, 6)


def test_deadline_words_in_chinese_and_english():
    three_days_ago = TODAY - datetime.timedelta(days=3)
    assert deadline_state(three_days_ago, TODAY, "办理时限") == (True, "已超过办理时限 3 天")
    with translation.override("en"):
        limit = translation.pgettext("in a sentence", "办理时限")
        assert deadline_state(three_days_ago, TODAY, limit) == (
            True,
            "3 days past the time limit",
        )
        assert deadline_state(TODAY, TODAY, limit) == (False, "due on 05/06")
