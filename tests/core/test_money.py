from decimal import Decimal

import pytest

from keyworks.core.money import format_wan, format_yi, parse_amount, quantize_wan


def test_quantize_rounds_half_up():
    assert quantize_wan(Decimal("2.345")) == Decimal("2.35")
    assert quantize_wan(Decimal("2.5")) == Decimal("2.50")
    assert quantize_wan(Decimal("-2.345")) == Decimal("-2.35")
    assert quantize_wan(1) == Decimal("1.00")
    # A float that is stored as 2.67499999... must still round as written.
    assert quantize_wan(2.675) == Decimal("2.68")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234, "1234.00"),
        (Decimal("12.345"), "12.35"),
        (0.1 + 0.2, "0.30"),
        (1.005, "1.01"),  # Decimal(1.005) would give 1.00
        ("1,234.5", "1234.50"),
        ("１２３４．５", "1234.50"),  # full-width digits and point
        ("１，２３４", "1234.00"),  # full-width comma
        (" 12 万元 ", "12.00"),
        ("3.5亿元", "35000.00"),
        ("3.5 亿", "35000.00"),
        ("15000元", "1.50"),
        ("12万", "12.00"),
        ("-5", "-5.00"),
        (".5", "0.50"),
        ("\u30002.5\u3000", "2.50"),  # ideographic spaces around
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


def test_parse_amount_column_unit():
    assert parse_amount(1.25, unit="亿元") == Decimal("12500.00")
    assert parse_amount("120000", unit="元") == Decimal("12.00")
    # A unit written in the cell wins over the column unit.
    assert parse_amount("300万元", unit="亿元") == Decimal("300.00")


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\n"])
def test_parse_amount_blank(raw):
    assert parse_amount(raw) is None


@pytest.mark.parametrize(
    "raw", ["abc", "1.2.3", "万元", "12美元", "--1", float("nan"), float("inf"), True]
)
def test_parse_amount_garbage(raw):
    with pytest.raises(ValueError) as exc:
        parse_amount(raw)
    assert "金额" in str(exc.value)  # the message, in Chinese by default


def test_parse_amount_unknown_unit():
    with pytest.raises(ValueError, match="不支持的金额单位"):
        parse_amount(1, unit="美元")


def test_format_wan():
    assert format_wan(Decimal("1234.56")) == "1,234.56"
    assert format_wan(Decimal("1234567.5")) == "1,234,567.50"
    assert format_wan(0) == "0.00"
    assert format_wan(None) == ""


def test_format_yi():
    assert format_yi(Decimal(123456)) == "12.35"
    assert format_yi(Decimal("123449.99")) == "12.34"
    assert format_yi(Decimal(5000)) == "0.50"
    assert format_yi(None) == ""
