"""The shared wording of reminder titles."""

import datetime

from keyworks.core.reminders import deadline_state, short

TODAY = datetime.date(2025, 5, 6)


def test_deadline_state_counts_days_over_or_says_when_it_falls_due():
    late = deadline_state(datetime.date(2025, 5, 3), TODAY, "办理时限")
    assert late == (True, "已超过办理时限 3 天")
    assert deadline_state(TODAY, TODAY, "完成时限") == (False, "将于 05月06日 到期")


def test_short_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert short("用地") == "用地"
    cut = short("一" * 50)
    assert len(cut) == 40 and cut.endswith("…")
