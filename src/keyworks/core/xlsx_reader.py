"""Read an uploaded workbook into plain grids, fast.

openpyxl's full load (needed for merged ranges) builds a Python object per cell and
takes seconds for a 10,000-row ledger; python-calamine reads the same file in a
fraction of that and reports merged ranges too. Two things calamine does not do are
done here first:

* bound the sheet before it is read: calamine allocates a dense grid from the first
  to the last cell with content, so one value typed at XFD1048576 would ask for
  hundreds of gigabytes. The sheet XML is scanned for the extent of cells that hold
  something, and a sheet over ``max_cells`` is refused, as :func:`expand_merged` does.
  A sheet whose cells carry no ``r`` reference cannot be bounded that way and is read
  with openpyxl instead;
* keep error values (``#DIV/0!``), which calamine returns as blanks: they are read
  from the XML and put back as :class:`ErrorValue`, so a broken formula is reported,
  not taken as empty.

Values come back as openpyxl gives them: ``None`` for blanks and whole numbers as
``int``. Dates come back as ``datetime.date`` (``datetime`` when they carry a time).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

import python_calamine
from defusedxml import ElementTree
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .xlsx import XlsxRejected, expand_merged, load_workbook_for_import

__all__ = ["ErrorValue", "ImportSheet", "read_sheets"]

_DAMAGED = gettext_lazy("无法读取 Excel 文件，文件可能已损坏")
_TOO_LARGE = gettext_lazy("工作表数据范围过大")
_MAX_CELLS = 5_000_000
_MAX_UNCOMPRESSED = 200 * 1024 * 1024  # as core.xlsx.check_xlsx_upload
_INFLATED = gettext_lazy("Excel 文件解压后过大")

# A cell reference on an element that is not self-closing: `<c r="B7" t="s">`, with
# the `</` that follows when it is closed at once (openpyxl writes styled empty cells
# as `<c r="B7" s="1"></c>`). Only cells carry letter-and-digit `r` values.
_REF_RE = re.compile(rb"\sr=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?(?<!/)>(</)?")
_PREFIXED_CLOSE_RE = re.compile(rb"</[A-Za-z_][\w.-]*:c>")
_ERROR_CELL_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c(\s[^>]*?\st=\"e\"[^>]*?)>\s*<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)<"
)
_REF_ATTR_RE = re.compile(rb"\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")


class ErrorValue(str):
    """A cell's Excel error value (#DIV/0!, #N/A, #REF! …), the cached result of a broken
    formula. A str, so it reads as Excel shows it; importers refuse it in every column."""

    def message(self) -> str:
        """What is wrong with the cell, in the active language."""
        return _("单元格为 Excel 错误值 %(value)s，请修正公式或改填数值") % {"value": self}

    def messages(self) -> tuple[str, str]:
        return (
            f"单元格为 Excel 错误值 {self}，请修正公式或改填数值",
            f"the cell holds the Excel error {self}; fix the formula or enter a value",
        )


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


def _extent(xml: bytes) -> tuple[int, int] | None:
    """(last row, last column), 1-based, over cells with content (a value, a formula or
    an inline string); None when some cell elements carry no `r` reference."""
    found = _REF_RE.findall(xml)
    closed = xml.count(b"</c>")
    if b":c>" in xml:
        closed += len(_PREFIXED_CLOSE_RE.findall(xml))
    if len(found) < closed:
        return None
    refs = [(column, row) for column, row, empty in found if not empty]
    if not refs:
        return 0, 0
    last_row = max(int(row) for _, row in refs)
    widest = max(refs, key=lambda ref: (len(ref[0]), ref[0]))[0]
    return last_row, _column_number(widest)


def _errors(xml: bytes) -> list[tuple[int, int, str]]:
    """(0-based row, 0-based column, text) of every error cell (#N/A, #DIV/0!, …)."""
    found: list[tuple[int, int, str]] = []
    if b't="e"' not in xml:
        return found
    for attributes, text in _ERROR_CELL_RE.findall(xml):
        ref = _REF_ATTR_RE.search(attributes)
        if ref:
            found.append(
                (int(ref[2]) - 1, _column_number(ref[1]) - 1, text.decode("utf-8", "replace"))
            )
    return found


def _plain(value: Any) -> Any:
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    return value


@dataclass
class ImportSheet:
    """One visible worksheet; :meth:`grid` reads it (merged ranges filled)."""

    title: str
    _read: Any = field(repr=False)

    def grid(self) -> list[list[Any]]:
        return self._read()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str, bool]], int]:
    """[(name, part path, visible worksheet?)] in workbook order, and the active tab."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    try:
        rels_xml = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels_xml = b"<Relationships/>"
    targets = {}
    for rel in ElementTree.fromstring(rels_xml):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = (posixpath.normpath(path), rel.get("Type", ""))
    active, sheets = 0, []
    for element in workbook.iter():
        tag = _local(element.tag)
        if tag == "workbookView":
            active = int(element.get("activeTab", "0") or 0)
        elif tag == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            path, kind = targets.get(rel_id, ("", ""))
            visible = element.get("state", "visible") == "visible"
            sheets.append((element.get("name", ""), path, visible and kind.endswith("/worksheet")))
    return sheets, active


def _calamine_grid(data: bytes, book, name: str, path: str, max_cells: int) -> list[list[Any]]:
    try:
        xml = zipfile.ZipFile(io.BytesIO(data)).read(path)
    except (KeyError, zipfile.BadZipFile):
        raise XlsxRejected(_DAMAGED) from None
    if not xml.rstrip().endswith(b"worksheet>"):  # truncated: calamine would read half
        raise XlsxRejected(_DAMAGED)
    extent = _extent(xml)
    if extent is None:  # cells without references: let openpyxl place them
        return _openpyxl_grid(data, name, max_cells)
    n_rows, n_cols = extent
    if n_rows * n_cols > max_cells:
        raise XlsxRejected(_TOO_LARGE)
    if not n_rows:
        return []
    try:
        sheet = book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except Exception:  # noqa: BLE001 - calamine raises several types on malformed input
        raise XlsxRejected(_DAMAGED) from None
    grid: list[list[Any]] = [[None] * n_cols for _ in range(n_rows)]
    for r, row in enumerate(values[:n_rows]):
        target = grid[r]
        for c, value in enumerate(row[:n_cols]):
            if value != "":
                target[c] = _plain(value)
    for r, c, text in _errors(xml):
        if r < n_rows and c < n_cols:
            grid[r][c] = ErrorValue(text)
    for (top, left), (bottom, right) in merged:
        if top >= n_rows or left >= n_cols:
            continue
        value = grid[top][left]
        for r in range(top, min(bottom + 1, n_rows)):
            row = grid[r]
            for c in range(left, min(right + 1, n_cols)):
                row[c] = value
    return grid


def _openpyxl_grid(data: bytes, name: str, max_cells: int) -> list[list[Any]]:
    sheet = load_workbook_for_import(io.BytesIO(data))[name]
    grid = expand_merged(sheet, max_cells=max_cells)
    for (r, c), cell in sheet._cells.items():
        if cell.data_type == "e" and r <= len(grid) and c <= len(grid[r - 1]):
            grid[r - 1][c - 1] = ErrorValue(cell.value)
    return grid


def bounded_copy(data: bytes, max_uncompressed: int = _MAX_UNCOMPRESSED) -> bytes:
    """The workbook rebuilt from its entries as Python's zipfile reads them: never more
    than each entry's declared size, checked against its CRC. calamine reads the archive
    with its own inflater, which would follow a deflate stream past a size header that
    lies (a 1 MB upload inflating to gigabytes); it only ever sees this copy."""
    copy = io.BytesIO()
    total = 0
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as target,
        ):
            for info in source.infolist():
                total += info.file_size
                if total > max_uncompressed:
                    raise XlsxRejected(_INFLATED)
                target.writestr(info.filename, source.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise XlsxRejected(_DAMAGED) from None
    return copy.getvalue()


def read_sheets(fileobj: IO[bytes], *, max_cells: int = _MAX_CELLS) -> list[ImportSheet]:
    """The visible worksheets, the active one first. Call after ``check_xlsx_upload``.

    Raises :class:`XlsxRejected` when the workbook cannot be read; a sheet's
    :meth:`ImportSheet.grid` raises it when that sheet's data range is too large.
    """
    try:
        data = bounded_copy(fileobj.read())
    finally:
        fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts, active = _sheet_parts(archive)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - zip, XML and calamine errors all mean "damaged"
        raise XlsxRejected(_DAMAGED) from None
    if 0 <= active < len(parts):
        parts.insert(0, parts.pop(active))
    return [
        ImportSheet(
            name,
            lambda name=name, path=path: _calamine_grid(data, book, name, path, max_cells),
        )
        for name, path, visible in parts
        if visible
    ]
