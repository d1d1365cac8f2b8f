import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import BadRequest, ValidationError
from django.test import RequestFactory

from keyworks.core.calendar import month_param, parse_month
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


def test_percent_rounds_half_up():
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3, places=0) == Decimal("67")
    assert percent(Decimal("0.05"), 100, places=2) == Decimal("0.05")
    assert percent(5, 0) is None and percent(5, None) is None
