import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import BadRequest, ValidationError
from django.test import RequestFactory

from keyworks.core.calendar import (
    actual_error,
    check_day,
    month_param,
    page_month,
    parse_month,
    planned_error,
    validate_day,
)
from keyworks.core.money import percent


def test_parse_month_reads_year_and_month():
    assert parse_month("2025-03") == datetime.date(2025, 3, 1)
    assert parse_month(" 2025-12 ") == datetime.date(2025, 12, 1)
    assert parse_month("") is None and parse_month(None) is None


@pytest.mark.parametrize("value", ["2025-13", "2025/03", "9999-12", "0001-01", "1999-12", "x"])
def test_parse_month_names_the_field_for_bad_or_far_months(value):
    with pytest.raises(ValidationError) as exc:
        parse_month(value, field="period")
    assert list(exc.value.error_dict) == ["period"]


def test_month_param_answers_400_for_a_bad_month():
    default = datetime.date(2025, 6, 1)
    assert month_param(RequestFactory().get("/"), default) == default
    assert month_param(RequestFactory().get("/?month=2025-02"), default) == datetime.date(
        2025, 2, 1
    )
    with pytest.raises(BadRequest):
        month_param(RequestFactory().get("/?month=9999-12"), default)


def test_page_month_names_the_parameter_and_defaults_lazily():
    assert page_month("", lambda: datetime.date(2025, 6, 1)) == datetime.date(2025, 6, 1)
    assert page_month("2025-02", lambda: 1 / 0) == datetime.date(2025, 2, 1)
    with pytest.raises(BadRequest, match="^period："):
        page_month("0001-01", None, name="period")


@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_a_day_outside_the_working_range_is_refused_by_name(day):
    with pytest.raises(ValidationError):
        validate_day(day)
    with pytest.raises(ValidationError) as exc:
        check_day(day, field="as_of")
    assert list(exc.value.error_dict) == ["as_of"]
    assert check_day(datetime.date(2099, 12, 31), field="as_of") == datetime.date(2099, 12, 31)
    assert check_day(None, field="as_of") is None


@pytest.mark.parametrize(
    "day, ok",
    [
        (datetime.date(2015, 1, 1), True),
        (datetime.date(2035, 12, 31), True),
        (datetime.date(2014, 12, 31), False),
        (datetime.date(2036, 1, 1), False),
        (datetime.date(1, 1, 1), False),
        (None, True),
    ],
)
def test_planned_dates_lie_within_ten_years_of_the_programme_year(day, ok):
    assert (planned_error(day, 2025) is None) is ok


def test_the_planned_window_never_leaves_the_working_range():
    assert planned_error(datetime.date(1999, 12, 31), 2005) is not None
    assert "2000—2015" in planned_error(datetime.date(1999, 12, 31), 2005)


def test_actual_dates_are_not_in_the_future_beyond_a_week():
    today = datetime.date(2025, 6, 10)
    assert actual_error(datetime.date(2025, 6, 17), today) is None
    assert "2025-06-17" in actual_error(datetime.date(2025, 6, 18), today)
    assert actual_error(datetime.date(1999, 1, 1), today) is not None
    assert actual_error(None, today) is None


def test_percent_rounds_half_up():
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3, places=0) == Decimal("67")
    assert percent(Decimal("0.05"), 100, places=2) == Decimal("0.05")
    assert percent(5, 0) is None and percent(5, None) is None
