"""Helpers for importing and exporting the office's Excel (.xlsx) ledgers.

Uploaded workbooks are untrusted: they are checked as zip archives (magic bytes,
required parts, entry count, declared uncompressed size) before openpyxl parses
any XML. Python's zipfile never inflates an entry beyond its declared size, so
the declared total is a real bound. openpyxl uses defusedxml when installed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext, gettext_lazy
from openpyxl.utils.datetime import from_excel

__all__ = [
    "XlsxRejected", "check_xlsx_upload", "escape_formula", "expand_merged", "find_header",
    "is_blank_row", "is_total_row", "load_workbook_for_import", "normalize_header",
    "parse_date", "read_sheet_rows",
]  # fmt: skip

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, and password-protected .xlsx
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_NOT_XLSX = gettext_lazy("文件不是有效的 Excel (.xlsx) 文件")


class XlsxRejected(Exception):
    """An upload was refused; ``message`` is safe to show to the user."""

    def __init__(self, message: str) -> None:
        message = str(message)  # a lazy message becomes text in the language active now
        super().__init__(message)
        self.message = message


def check_xlsx_upload(
    fileobj: IO[bytes],
    *,
    max_bytes: int = 20 * 1024 * 1024,
    max_uncompressed: int = 200 * 1024 * 1024,
    max_entries: int = 2000,
) -> None:
    """Validate an upload by content (not by file name) and rewind it."""
    try:
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
        if size > max_bytes:
            mb = max_bytes // (1024 * 1024)
            raise XlsxRejected(gettext("文件过大（上限 %(mb)s MB）") % {"mb": mb})
        magic = fileobj.read(4)
        fileobj.seek(0)
        if magic == _OLE_MAGIC:
            raise XlsxRejected(
                gettext("文件为旧版 .xls 格式或已加密，请另存为不加密的 .xlsx 后再上传")
            )
        if magic != _ZIP_MAGIC:
            raise XlsxRejected(_NOT_XLSX)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
            raise XlsxRejected(_NOT_XLSX) from None
        if len(infos) > max_entries:
            raise XlsxRejected(gettext("Excel 文件内部条目过多"))
        if sum(info.file_size for info in infos) > max_uncompressed:
            raise XlsxRejected(gettext("Excel 文件解压后过大"))
        names = {info.filename for info in infos}
        if not all(part in names for part in _REQUIRED_PARTS):
            raise XlsxRejected(_NOT_XLSX)
    finally:
        fileobj.seek(0)


def load_workbook_for_import(fileobj: IO[bytes]) -> Any:
    """Check then fully load a workbook.

    Not read-only because read-only worksheets expose no merged ranges, which
    ledgers use heavily; the 20 MB cap keeps memory bounded. ``data_only`` gives
    formula results as cached by Excel/WPS (None if never calculated).
    """
    check_xlsx_upload(fileobj)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Data Validation extension not supported"
            return openpyxl.load_workbook(fileobj, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many types on malformed input
        raise XlsxRejected(gettext("无法读取 Excel 文件，文件可能已损坏")) from None
    finally:
        fileobj.seek(0)


def expand_merged(ws: Any, *, max_cells: int = 5_000_000) -> list[list[Any]]:
    """Return the sheet as a 2D list with each merged range filled from its top-left cell.

    The grid is bounded by the last non-empty cell, not ``ws.max_row``/``max_column``,
    which a stray styled cell at XFD1048576 would blow up to billions of cells.
    Note: a vertically merged amount is repeated on every row it spans; importers
    must not sum such columns blindly.
    """
    cells = ws._cells  # sparse {(row, col): cell}; public iter_rows walks the full rectangle
    used = [key for key, cell in cells.items() if cell.value is not None]
    n_rows = max((r for r, _ in used), default=0)
    n_cols = max((c for _, c in used), default=0)
    if n_rows * n_cols > max_cells:
        raise XlsxRejected(gettext("工作表数据范围过大"))
    grid: list[list[Any]] = [[None] * n_cols for _ in range(n_rows)]
    for r, c in used:
        grid[r - 1][c - 1] = cells[r, c].value
    for rng in ws.merged_cells.ranges:
        if rng.min_row > n_rows or rng.min_col > n_cols:
            continue
        value = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, n_rows)):
            for c in range(rng.min_col - 1, min(rng.max_col, n_cols)):
                grid[r][c] = value
    return grid


def read_sheet_rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield (1-based row number, values); merged cells are filled unless ``ws`` is read-only."""
    if hasattr(ws, "merged_cells"):
        rows: Any = expand_merged(ws)
    else:  # ReadOnlyWorksheet: merged ranges are not available
        rows = ws.iter_rows(values_only=True)
    for number, values in enumerate(rows, start=1):
        yield number, tuple(values)


_SPACE_RE = re.compile(r"[\s\u200b\ufeff]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")"})


def normalize_header(text: object) -> str:
    """Canonical header text: no whitespace at all, ASCII brackets, lowercase ASCII."""
    if text is None:
        return ""
    cleaned = _SPACE_RE.sub("", str(text)).translate(_BRACKETS)
    return "".join(ch.lower() if ch.isascii() else ch for ch in cleaned)


_EXCEL_MAX_SERIAL = 73415  # 2100-12-31; larger numbers are not plausible dates
_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*"
    r"(?:(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?|月)?"
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE_RE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?")


def _date_error(value: object) -> ValueError:
    return ValueError(gettext("无法识别的日期：%(value)s") % {"value": value})


def _number_to_date(value: float) -> dt.date:
    # "2025.3" typed into a General cell is stored as the number 2025.3, not a serial.
    if 1900 <= value < 2101:
        year_str, _, month_str = repr(float(value)).partition(".")
        if month_str == "1":
            raise ValueError(
                gettext("日期 %(value)s 无法区分 1 月还是 10 月，请以文本或日期格式填写")
                % {"value": value}
            )
        if month_str in {"0", ""} or not 1 <= int(month_str) <= 12:
            raise _date_error(value)
        return dt.date(int(year_str), int(month_str), 1)
    if 0 < value <= _EXCEL_MAX_SERIAL:
        return from_excel(value).date()
    raise _date_error(value)


def parse_date(value: object) -> dt.date | None:
    """Parse the many ways offices write dates; month-only values give the 1st."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _date_error(value)
    if isinstance(value, int | float):
        if isinstance(value, int) and value > _EXCEL_MAX_SERIAL:
            return parse_date(str(value))  # 20250301 typed as a number
        return _number_to_date(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    match = _DATE_RE.fullmatch(text) or _COMPACT_DATE_RE.fullmatch(text)
    if not match:
        raise _date_error(value)
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"] or 1))
    except ValueError:
        raise _date_error(value) from None


_UNIT_RE = re.compile(r"\((?:单位[:：]?)?(亿元|万元|元|亿|万)\)")
_UNIT_ALIASES = {"亿": "亿元", "万": "万元"}


def _split_unit(text: str) -> tuple[str, str | None]:
    """Split off a unit: 总投资(亿元) -> (总投资, 亿元); also drops required-field asterisks."""
    match = _UNIT_RE.search(text)
    unit = _UNIT_ALIASES.get(match[1], match[1]) if match else None
    return _UNIT_RE.sub("", text).strip("*※"), unit


def _column_candidates(parent: str, child: str | None) -> list[tuple[str, str | None]]:
    """Header texts to try for one column, most specific first, each with its unit."""
    if child is None:
        base, unit = _split_unit(parent)
        return [(parent, unit), (base, unit)]
    p_base, p_unit = _split_unit(parent)
    c_base, c_unit = _split_unit(child)
    unit = c_unit or p_unit
    out = [(parent + child, unit), (p_base + c_base, unit), (child, unit), (c_base, unit)]
    if not child or child == parent:  # blank below or a vertically merged cell
        out += [(parent, unit), (p_base, unit)]
    return out


def _match_rows(
    top: Sequence[Any], below: Sequence[Any] | None, lookup: Mapping[str, str]
) -> dict[str, tuple[int, str | None]]:
    found: dict[str, tuple[int, str | None]] = {}
    for col, cell in enumerate(top):
        child = None
        if below is not None:
            child = normalize_header(below[col] if col < len(below) else None)
        for text, unit in _column_candidates(normalize_header(cell), child):
            field = lookup.get(text) if text else None
            if field:
                found.setdefault(field, (col, unit))
                break
    return found


def find_header(
    rows: Sequence[Sequence[Any]],
    synonyms: Mapping[str, Sequence[str]],
    *,
    max_scan: int = 15,
) -> tuple[int, int, dict[str, tuple[int, str | None]]]:
    """Locate a one- or two-row header among the first ``max_scan`` rows.

    ``rows`` should have merged cells expanded (see :func:`expand_merged`).
    Returns (0-based header row index, number of header rows, {field: (column
    index, unit from the header or None)}); data starts at index + rows used.
    A two-row header wins when it recognises more fields or units, or ties with
    a single row while its upper row already matches a field (e.g. a vertically
    merged 项目名称 beside a 投资情况（万元） group heading).
    """
    lookup: dict[str, str] = {}
    for field, names in synonyms.items():
        for name in [field, *names]:
            lookup.setdefault(normalize_header(name), field)
    scan = list(rows[:max_scan])
    best: tuple[tuple[int, ...], int, int, dict[str, tuple[int, str | None]]] | None = None
    for i, row in enumerate(scan):
        single = _match_rows(row, None, lookup)
        options = [(1, single)]
        if i + 1 < len(rows) and not is_blank_row(rows[i + 1]):
            options.append((2, _match_rows(row, rows[i + 1], lookup)))
        for used, found in options:
            units = sum(1 for _, unit in found.values() if unit)
            key = (len(found), units, int(used == 2 and bool(single)), -used, -i)
            if best is None or key > best[0]:
                best = (key, i, used, found)
    if best is None or not best[3]:
        raise ValueError(gettext("未找到表头行"))
    return best[1], best[2], best[3]


_TOTAL_WORDS = ("合计", "小计", "总计")
_BRACKETED_RE = re.compile(r"\([^)]*\)|【[^】]*】")


def is_blank_row(values: Sequence[Any]) -> bool:
    """True when every cell is empty or whitespace."""
    return all(v is None or (isinstance(v, str) and not _SPACE_RE.sub("", v)) for v in values)


def is_total_row(values: Sequence[Any]) -> bool:
    """True for 合计/小计/总计 rows ("合  计", "全市合计", "小计（续建）"); never import them.

    Only the first two non-empty cells count, and the word must end a short text,
    so project names such as "城区供水总计划" are kept.
    """
    non_empty = [v for v in values if not is_blank_row([v])][:2]
    for value in non_empty:
        if isinstance(value, str):
            text = _BRACKETED_RE.sub("", normalize_header(value)).rstrip(":：、.。")
            if len(text) <= 12 and text.endswith(_TOTAL_WORDS):
                return True
    return False


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Prefix "'" to text that Excel/WPS would evaluate (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
