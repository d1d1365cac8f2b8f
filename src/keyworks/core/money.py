"""Money helpers.

All amounts in the platform are stored as ``Decimal`` in 万元 (10,000 yuan) with
two decimals, which is the unit used by the provincial key-project ledgers.
Office spreadsheets arrive with a mix of units, full-width characters and float
noise, so every incoming value goes through :func:`parse_amount`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

__all__ = ["UNIT_FACTORS", "format_wan", "format_yi", "parse_amount", "percent", "quantize_wan"]

TWO_PLACES = Decimal("0.01")
WAN_PER_YI = Decimal(10000)

# Multiplier that converts an amount in the given unit into 万元.
UNIT_FACTORS: dict[str, Decimal] = {
    "亿元": WAN_PER_YI,
    "万元": Decimal(1),
    "亿": WAN_PER_YI,
    "万": Decimal(1),
    "元": Decimal("0.0001"),
}
# Longest suffixes first so "万元" is not mistaken for "元".
_SUFFIXES = sorted(UNIT_FACTORS, key=len, reverse=True)
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_WHITESPACE_RE = re.compile(r"\s+")


def _to_decimal(value: object) -> Decimal:
    """Convert a number to Decimal without float binary noise (0.1 -> 0.1, not 0.1000…55)."""
    # bool is an int subclass and never an amount. ValueError (not TypeError) so that
    # importers can report every bad cell through a single ``except ValueError``.
    if isinstance(value, bool):
        raise ValueError(_("无效金额：%(value)s") % {"value": repr(value)})  # noqa: TRY004
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("无效金额：%(value)s") % {"value": repr(value)})
        return Decimal(repr(value))
    try:
        result = value if isinstance(value, Decimal) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(_("无效金额：%(value)s") % {"value": repr(value)}) from None
    if not result.is_finite():
        raise ValueError(_("无效金额：%(value)s") % {"value": repr(value)})
    return result


def quantize_wan(value: Decimal | float | str) -> Decimal:
    """Round to 2 decimals with ROUND_HALF_UP (finance convention, not banker's rounding)."""
    return _to_decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _unit_factor(unit: str) -> Decimal:
    try:
        return UNIT_FACTORS[unit]
    except KeyError:
        raise ValueError(_("不支持的金额单位：%(unit)s") % {"unit": unit}) from None


def parse_amount(value: object, unit: str = "万元") -> Decimal | None:
    """Parse a ledger cell into 万元.

    ``unit`` is the column's unit (e.g. taken from a "总投资（亿元）" header); a unit
    written inside the cell itself ("3.5亿元") takes precedence. Blank -> None.
    """
    factor = _unit_factor(unit)
    if value is None:
        return None
    if isinstance(value, str):
        text = _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", value))
        if not text:
            return None
        text = text.replace(",", "").lstrip("¥")
        for suffix in _SUFFIXES:
            if text.endswith(suffix):
                factor = UNIT_FACTORS[suffix]
                text = text[: -len(suffix)]
                break
        if not _NUMBER_RE.fullmatch(text):
            raise ValueError(_("无法识别的金额：%(value)s") % {"value": value})
        number = Decimal(text)
    else:
        number = _to_decimal(value)
    return quantize_wan(number * factor)


def format_wan(d: Decimal | float | str | None) -> str:
    """Format an amount in 万元 with thousands separators: 1234.5 -> "1,234.50"."""
    if d is None:
        return ""
    return f"{quantize_wan(d):,.2f}"


def format_yi(d: Decimal | float | str | None) -> str:
    """Format an amount held in 万元 as 亿元 with 2 decimals: 123456 -> "12.35"."""
    if d is None:
        return ""
    return f"{quantize_wan(_to_decimal(d) / WAN_PER_YI):,.2f}"


def percent(part, whole, places: int = 1) -> Decimal | None:
    """100 × part / whole rounded half up to `places` decimals; None when there is no
    whole. The one percentage of the platform (completion rates, shares, gaps)."""
    if not whole:
        return None
    step = Decimal(1).scaleb(-places)
    return (Decimal(100) * Decimal(part or 0) / Decimal(whole)).quantize(step, ROUND_HALF_UP)
