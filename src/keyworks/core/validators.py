"""Validators for identifiers that appear on every key-project ledger.

* National investment-project code (全国投资项目在线审批监管平台项目代码),
  ``YYMM-AAAAAA-NN-NN-NNNNNN``.
* Unified social credit code (统一社会信用代码) per GB 32100-2015, whose check
  character catches most typos made when codes are re-keyed from paper.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "CREDIT_CODE_CHARSET",
    "CREDIT_CODE_WEIGHTS",
    "LINK_MESSAGE",
    "PROJECT_CODE_RE",
    "credit_code_check_char",
    "is_safe_link",
    "make_credit_code",
    "normalize_code",
    "validate_credit_code",
    "validate_link",
    "validate_non_negative",
    "validate_project_code",
]

# Month restricted to 01-12 so the regex alone is usable in DB constraints / HTML patterns.
PROJECT_CODE_RE = re.compile(r"^\d{2}(?:0[1-9]|1[0-2])-\d{6}-\d{2}-\d{2}-\d{6}$")
# Same shape with any month, used only to give a more specific error message.
_PROJECT_CODE_SHAPE_RE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 chars: no I, O, Z, S, V
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CHAR_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_CHARSET)}
# Hyphen look-alikes that Word/WPS substitute when codes are pasted.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"})


def normalize_code(value: object) -> str:
    """Strip, fold full-width characters and dash look-alikes, uppercase.

    Importers should call this before validating; validators themselves only
    uppercase so that what is stored is what was validated.
    """
    text = unicodedata.normalize("NFKC", str(value)).translate(_DASHES)
    return re.sub(r"\s+", "", text).upper()


def validate_project_code(value: object) -> None:
    """Django validator for the national investment-project code."""
    text = "" if value is None else str(value)
    if PROJECT_CODE_RE.fullmatch(text):
        return
    if _PROJECT_CODE_SHAPE_RE.fullmatch(text):
        raise ValidationError(
            _("项目代码中的月份应为 01–12：%(value)s"),
            code="project_code_month",
            params={"value": text},
        )
    raise ValidationError(
        _("项目代码格式不正确，应按 YYMM-AAAAAA-NN-NN-NNNNNN 格式填写"),
        code="project_code_format",
        params={"value": text},
    )


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters."""
    body = first17.upper()
    if len(body) != 17 or any(ch not in _CHAR_VALUE for ch in body):
        raise ValueError(_("统一社会信用代码前 17 位应由数字和大写字母（不含 I、O、Z、S、V）组成"))
    total = sum(_CHAR_VALUE[ch] * w for ch, w in zip(body, CREDIT_CODE_WEIGHTS, strict=True))
    check = 31 - total % 31
    return CREDIT_CODE_CHARSET[0 if check == 31 else check]


def validate_credit_code(value: object) -> None:
    """Django validator for the 18-character unified social credit code (case-insensitive)."""
    code = ("" if value is None else str(value)).upper()
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位"),
            code="credit_code_length",
        )
    bad = [ch for ch in code if ch not in _CHAR_VALUE]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有非法字符：%(chars)s（不能使用 I、O、Z、S、V）"),
            code="credit_code_charset",
            params={"chars": "".join(dict.fromkeys(bad))},
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误，最后一位应为 %(expected)s"),
            code="credit_code_check",
            params={"expected": expected},
        )


def validate_non_negative(value: Decimal | float | None) -> None:
    """Amounts and quantities in ledgers are never negative; blank is allowed."""
    if value is not None and value < 0:
        raise ValidationError(
            _("数值不能为负数"),
            code="negative",
            params={"value": value},
        )


def make_credit_code(seed_17_chars: str) -> str:
    """Append the check character to a 17-character body (for demo / test data)."""
    body = seed_17_chars.upper()
    return body + credit_code_check_char(body)


LINK_MESSAGE = gettext_lazy("链接须以 http://、https:// 或本站路径 / 开头")


def is_safe_link(value: object) -> bool:
    """True for a link a page may put in `href`: an http(s) address with a host, or a
    path on this site ("/meetings/12/", never "//host" or "/\\host", which browsers read as
    another site). No whitespace or backslash anywhere: browsers drop tabs and line breaks
    inside URLs and read "\\" as "/", so "/<tab>/host" would be another site too."""
    text = "" if value is None else str(value)
    if not text or any(ch.isspace() or ch == "\\" for ch in text):
        return False
    if text.startswith("/"):
        return not text.startswith("//")
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def validate_link(value: object) -> None:
    """Django validator for a link users type (blank is allowed): see `is_safe_link`."""
    if value and not is_safe_link(value):
        raise ValidationError(LINK_MESSAGE, code="link")
