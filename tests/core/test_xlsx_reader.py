"""The fast workbook reader gives the grids openpyxl's full load gives, bounded first."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
import python_calamine

from keyworks.core.xlsx import XlsxRejected, expand_merged, load_workbook_for_import
from keyworks.core.xlsx_reader import ErrorValue, read_sheets

from .test_xlsx import build_ledger


def saved(wb) -> io.BytesIO:
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def rewrite_sheet(data: bytes, change) -> io.BytesIO:
    """The same workbook with the first sheet's XML passed through `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = change(body)
            dst.writestr(info, body)
    out.seek(0)
    return out


def test_grid_matches_openpyxl_on_a_typical_ledger(tmp_path):
    path = build_ledger(tmp_path / "ledger.xlsx")
    with open(path, "rb") as fh:
        sheets = read_sheets(fh)
        assert fh.tell() == 0
        reference = expand_merged(load_workbook_for_import(fh).active)
    assert [s.title for s in sheets] == ["重点项目"]
    grid = sheets[0].grid()
    # openpyxl gives datetimes for date cells; the reader gives dates.
    normalise = [[v.date() if isinstance(v, dt.datetime) else v for v in row] for row in reference]
    assert grid == normalise
    assert grid[0] == ["2025年全市重点项目投资计划表"] * 7
    assert grid[6][2] == grid[7][2] == "丙公司"
    assert grid[4][:5] == [1, "城区供水总计划工程", "甲公司", 12345.6, 3000]
    assert type(grid[4][0]) is int
    assert grid[8][3] is None  # a formula never calculated has no cached value


def test_values_blanks_offsets_and_errors():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "项目名称"
    ws["D3"] = "#DIV/0!"  # an error value, as Excel stores a broken formula's result
    ws["E3"] = True
    ws["F3"] = dt.datetime(2025, 3, 1, 10, 5)
    ws["C4"] = ""
    ws["D5"] = "甲"
    ws.merge_cells("D5:E5")
    grid = read_sheets(saved(wb))[0].grid()
    assert grid == [
        [None] * 6,
        [None] * 6,
        [None, None, "项目名称", "#DIV/0!", True, dt.datetime(2025, 3, 1, 10, 5)],
        [None] * 6,
        [None, None, None, "甲", "甲", None],
    ]
    assert isinstance(grid[2][3], ErrorValue) and not isinstance(grid[2][2], ErrorValue)


def test_active_sheet_first_hidden_and_chart_sheets_skipped():
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    wb.create_sheet("台账")["A1"] = "项目名称"
    wb.create_chartsheet("图表")
    wb.active = 2
    assert [s.title for s in read_sheets(saved(wb))] == ["台账", "说明"]


def test_stray_value_far_away_is_refused_before_reading():
    # Read naively, one value at XFD1048576 asks for a dense grid of 17 billion cells.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "总投资"])
    ws["XFD1048576"] = "x"
    sheet = read_sheets(saved(wb))[0]
    with pytest.raises(XlsxRejected, match="数据范围过大"):
        sheet.grid()


def test_stray_styled_cell_and_far_merge_are_ignored():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "总投资"])
    ws.append(["项目甲", 100])
    ws["XFD1048576"].font = openpyxl.styles.Font(bold=True)
    ws.merge_cells("A10:XFD20")
    sheet = read_sheets(saved(wb))[0]
    assert sheet.grid() == [["项目名称", "总投资"], ["项目甲", 100]]
    with pytest.raises(XlsxRejected, match="数据范围过大"):
        read_sheets(saved(wb), max_cells=3)[0].grid()


def test_cells_without_references_are_placed_by_openpyxl():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "总投资"])
    ws.append(["项目甲", 100])
    ws["XFD3"] = "远处"
    ws["B3"] = "#N/A"
    bare = rewrite_sheet(saved(wb).getvalue(), lambda xml: re.sub(rb' r="[A-Z]+\d+"', b"", xml))
    # Without references the extent cannot be read off the XML; openpyxl places the
    # cells one after another (B3, then XFD3), so they land in A3 and B3.
    assert read_sheets(bare)[0].grid() == [
        ["项目名称", "总投资"],
        ["项目甲", 100],
        ["#N/A", "远处"],
    ]
    assert isinstance(read_sheets(bare)[0].grid()[2][0], ErrorValue)


def test_damaged_workbook_is_refused():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    broken = rewrite_sheet(saved(wb).getvalue(), lambda xml: xml[: len(xml) // 2])
    with pytest.raises(XlsxRejected, match="无法读取"):
        read_sheets(broken)[0].grid()
    with pytest.raises(XlsxRejected, match="无法读取"):
        read_sheets(io.BytesIO(b"PK\x03\x04 not really a zip"))


def test_entities_defined_in_the_workbook_are_refused_not_expanded():
    # A "billion laughs" workbook: entities that expand tenfold at each level.
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    wb.active["A2"] = "x"
    dtd = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "AAAAAAAAAA">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )

    def with_entities(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return dtd + body.replace(b"<t>x</t>", b"<t>&c;</t>")

    bomb = rewrite_sheet(saved(wb).getvalue(), with_entities)
    with pytest.raises(XlsxRejected, match="无法读取"):
        read_sheets(bomb)[0].grid()


def lying_workbook(real_size: int = 5_000_000) -> bytes:
    """A valid workbook whose first sheet's deflate stream inflates to `real_size` bytes
    while its zip headers declare 200 (and the CRC of those 200 bytes)."""
    import struct
    import zlib

    book = openpyxl.Workbook()
    book.active["A1"] = "项目名称"
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content + b" " * real_size
            target.writestr(info.filename, content)
    data = bytearray(out.getvalue())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    declared = archive.read(info)[:200]
    crc = zlib.crc32(declared)
    struct.pack_into("<II", data, info.header_offset + 14, crc, info.compress_size)
    struct.pack_into("<I", data, info.header_offset + 22, 200)
    offset = 0
    while True:  # the entry's record in the central directory says the same
        offset = data.find(b"PK\x01\x02", offset)
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46 : offset + 46 + name_length] == info.filename.encode():
            struct.pack_into("<I", data, offset + 16, crc)
            struct.pack_into("<I", data, offset + 24, 200)
            return bytes(data)
        offset += 4


def inflated_sizes(payload: bytes) -> dict[str, int]:
    """What each entry's data really inflates to, whatever its headers say."""
    import struct
    import zlib

    sizes = {}
    for info in zipfile.ZipFile(io.BytesIO(payload)).infolist():
        start = info.header_offset
        name_length, extra_length = struct.unpack_from("<HH", payload, start + 26)
        body = payload[start + 30 + name_length + extra_length :][: info.compress_size]
        if info.compress_type == zipfile.ZIP_DEFLATED:
            sizes[info.filename] = len(zlib.decompressobj(-15).decompress(body))
        else:
            sizes[info.filename] = len(body)
    return sizes


def test_calamine_only_sees_what_the_size_headers_allow(monkeypatch):
    """A deflate stream longer than its declared size is never inflated past it: the
    sheet handed to calamine is the declared 200 bytes (so this one is refused as damaged)
    instead of the 5 MB (or, in an attack, gigabytes) the stream holds."""
    seen = {}
    original = python_calamine.CalamineWorkbook.from_filelike

    def spy(filelike):
        payload = filelike.read()
        seen["sizes"] = inflated_sizes(payload)
        return original(io.BytesIO(payload))

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", spy)
    data = lying_workbook()
    try:
        sheets = read_sheets(io.BytesIO(data))
        for sheet in sheets:
            sheet.grid()
    except XlsxRejected:
        pass
    assert seen["sizes"]["xl/worksheets/sheet1.xml"] == 200
    assert sum(seen["sizes"].values()) < 100_000
