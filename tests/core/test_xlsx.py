import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from keyworks.core.money import parse_amount
from keyworks.core.xlsx import (
    XlsxRejected,
    check_xlsx_upload,
    escape_formula,
    expand_merged,
    find_header,
    is_blank_row,
    is_total_row,
    load_workbook_for_import,
    normalize_header,
    parse_date,
    read_sheet_rows,
)

SYNONYMS = {
    "seq": ["序号"],
    "name": ["项目名称"],
    "owner": ["建设单位", "建设单位(全称)"],
    "total": ["总投资"],
    "annual": ["年度计划投资", "本年计划投资"],
    "completed": ["已完成投资"],
    "start": ["开工时间", "计划开工时间"],
}


def build_ledger(path):
    """A typical county ledger: title, two-row merged header, data, blank and 合计 rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点项目"
    ws["A1"] = "2025年全市重点项目投资计划表"
    ws.merge_cells("A1:G1")
    headers = ["序号", "项目\n名称", "建设单位（全称）", "开工\u3000时间"]
    for col, text in zip("ABCG", headers, strict=True):
        ws[f"{col}3"] = text
        ws.merge_cells(f"{col}3:{col}4")
    ws["D3"] = "投资情况（万元）"
    ws.merge_cells("D3:F3")
    ws["D4"], ws["E4"], ws["F4"] = "总投资", "年度计划\n投资", "已完成投资（亿元）"
    ws.append([1, "城区供水总计划工程", "甲公司", 12345.6, 3000, 0.5, dt.date(2025, 3, 1)])
    ws.append([])
    ws.append([2, "产业园道路", "乙公司", 800, 200, 0.01, 45748])  # serial, format lost
    ws.append([3, "污水处理厂", None, 600, "150", None, "2025年6月"])
    ws.merge_cells("C7:C8")
    ws["C7"] = "丙公司"
    ws.append(["合  计", None, None, "=SUM(D5:D8)", 3350, 0.51, None])
    wb.save(path)
    return path


def test_normalize_header():
    assert normalize_header(" 总投资\n（亿元） ") == "总投资(亿元)"
    assert normalize_header("开工\u3000时间\r\n") == "开工时间"
    assert normalize_header("PPP\t模式") == "ppp模式"
    assert normalize_header(None) == ""


def test_full_pipeline_two_row_header(tmp_path):
    path = build_ledger(tmp_path / "ledger.xlsx")
    with open(path, "rb") as fh:
        wb = load_workbook_for_import(fh)
        assert fh.tell() == 0
    grid = expand_merged(wb.active)
    assert grid[0] == ["2025年全市重点项目投资计划表"] * 7
    assert grid[6][2] == grid[7][2] == "丙公司"

    header_row, used, columns = find_header(grid, SYNONYMS)
    assert (header_row, used) == (2, 2)
    assert columns == {
        "seq": (0, None),
        "name": (1, None),
        "owner": (2, None),
        "total": (3, "万元"),
        "annual": (4, "万元"),
        "completed": (5, "亿元"),  # child unit overrides the group heading's
        "start": (6, None),
    }

    data = [
        (n, values)
        for n, values in read_sheet_rows(wb.active)
        if n > header_row + used and not is_blank_row(values) and not is_total_row(values)
    ]
    assert [n for n, _ in data] == [5, 7, 8]
    start_col = columns["start"][0]
    assert [parse_date(v[start_col]) for _, v in data] == [
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 1),
        dt.date(2025, 6, 1),
    ]
    first = data[0][1]
    assert parse_amount(first[5], unit=columns["completed"][1]) == Decimal("5000.00")
    assert parse_amount(data[2][1][4], unit=columns["annual"][1]) == Decimal("150.00")
    # Formula cells come back as cached values (None when written by openpyxl).
    assert list(read_sheet_rows(wb.active))[8][1][3] is None


def test_single_row_header_with_noise(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["附件2"])
    ws.append(["单位：万元"])
    ws.append(["序号", "项目名称*", "总投资\n（亿元）", "本年计划投资", "备注"])
    ws.append([1, "项目甲", 1.2, 300, None])
    ws.append([2, "项目乙", 0.8, None, "续建"])
    wb.save(tmp_path / "flat.xlsx")
    grid = expand_merged(openpyxl.load_workbook(tmp_path / "flat.xlsx").active)
    header_row, used, columns = find_header(grid, SYNONYMS)
    assert (header_row, used) == (2, 1)
    assert columns == {
        "seq": (0, None),
        "name": (1, None),
        "total": (2, "亿元"),
        "annual": (3, None),
    }


def test_expand_merged_ignores_stray_styled_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "总投资"])
    ws.append(["项目甲", 100])
    ws["XFD1048576"].font = openpyxl.styles.Font(bold=True)  # empty but styled
    ws.merge_cells("A10:XFD20")  # empty merged block far away
    wb.save(tmp_path / "stray.xlsx")
    with open(tmp_path / "stray.xlsx", "rb") as fh:
        loaded = load_workbook_for_import(fh).active
    assert loaded.max_row == 1048576
    assert expand_merged(loaded) == [["项目名称", "总投资"], ["项目甲", 100]]
    with pytest.raises(XlsxRejected, match="数据范围过大"):
        expand_merged(loaded, max_cells=3)


def test_find_header_not_found():
    with pytest.raises(ValueError, match="表头"):
        find_header([["a", "b"], [1, 2]], SYNONYMS)


def test_read_only_worksheet_rows(tmp_path):
    path = build_ledger(tmp_path / "ledger.xlsx")
    ws = openpyxl.load_workbook(path, read_only=True).active
    rows = dict(read_sheet_rows(ws))
    assert rows[1][0] == "2025年全市重点项目投资计划表"
    assert rows[1][1] is None  # merged ranges are not available in read-only mode


def test_check_accepts_renamed_xlsx(tmp_path):
    path = build_ledger(tmp_path / "ledger.txt")  # content decides, not the name
    with open(path, "rb") as fh:
        fh.read(10)
        check_xlsx_upload(fh)
        assert fh.tell() == 0


def reject(data, **limits):
    fh = io.BytesIO(data)
    with pytest.raises(XlsxRejected) as exc:
        check_xlsx_upload(fh, **limits)
    assert fh.tell() == 0
    return exc.value.message


def test_check_rejects_text_file(tmp_path):
    fake = tmp_path / "report.xlsx"
    fake.write_text("序号,项目名称\n1,项目甲\n", encoding="utf-8")
    msg = reject(fake.read_bytes())
    assert msg == "文件不是有效的 Excel (.xlsx) 文件"


def test_check_rejects_legacy_xls():
    assert ".xls" in reject(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)


def test_check_rejects_truncated_zip(tmp_path):
    data = build_ledger(tmp_path / "a.xlsx").read_bytes()
    assert "不是有效的 Excel" in reject(data[: len(data) // 2])


def make_zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, payload in entries:
            zf.writestr(name, payload)
    return buf.getvalue()


def test_check_rejects_zip_without_workbook():
    data = make_zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w/>")])
    assert "不是有效的 Excel" in reject(data)


def test_check_rejects_too_many_entries():
    parts = [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")]
    parts += [(f"xl/media/{i}.bin", b"") for i in range(2001)]
    assert "Excel 文件内部条目过多" in reject(make_zip(parts))


def test_check_rejects_zip_bomb():
    bomb = b"\0" * (8 * 1024 * 1024)  # compresses to a few KB
    data = make_zip(
        [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"), ("x", bomb)]
    )
    assert len(data) < 100_000
    assert "解压后过大" in reject(data, max_uncompressed=4 * 1024 * 1024)


def test_check_rejects_large_file(tmp_path):
    data = build_ledger(tmp_path / "a.xlsx").read_bytes()
    assert "文件过大" in reject(data, max_bytes=1024)


def test_load_rejects_damaged_parts():
    data = make_zip([("[Content_Types].xml", "not xml"), ("xl/workbook.xml", "garbage")])
    with pytest.raises(XlsxRejected, match="无法读取"):
        load_workbook_for_import(io.BytesIO(data))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 1)),
        (dt.datetime(2025, 3, 1, 8, 30), dt.date(2025, 3, 1)),
        (45717, dt.date(2025, 3, 1)),
        (45717.75, dt.date(2025, 3, 1)),
        (61, dt.date(1900, 3, 1)),  # past Excel's phantom 1900-02-29
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("2025/3/1", dt.date(2025, 3, 1)),
        ("2025.3.1", dt.date(2025, 3, 1)),
        ("2025-03", dt.date(2025, 3, 1)),
        ("2025年3月", dt.date(2025, 3, 1)),
        ("2025年3月5日", dt.date(2025, 3, 5)),
        (" 2025 年 12 月 ", dt.date(2025, 12, 1)),
        ("２０２５年３月", dt.date(2025, 3, 1)),
        ("2025.3", dt.date(2025, 3, 1)),
        ("2025.03", dt.date(2025, 3, 1)),
        ("2025.10", dt.date(2025, 10, 1)),
        ("2025-03-01 00:00:00", dt.date(2025, 3, 1)),
        ("20250301", dt.date(2025, 3, 1)),
        (20250301, dt.date(2025, 3, 1)),
        (2025.3, dt.date(2025, 3, 1)),  # "2025.3" typed into a General cell
        (2025.03, dt.date(2025, 3, 1)),
        (2025.12, dt.date(2025, 12, 1)),
        (None, None),
        ("", None),
        ("\u3000 ", None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["明年", "2025", "2025-13-01", "2025-02-30", "3/1/2025", "2025年", 0, -5, True, 2025]
)
def test_parse_date_garbage(raw):
    with pytest.raises(ValueError, match="无法识别的日期"):
        parse_date(raw)


def test_parse_date_ambiguous_month():
    with pytest.raises(ValueError, match="无法区分 1 月还是 10 月"):
        parse_date(2025.1)  # typed 2025.1 or 2025.10?


@pytest.mark.parametrize(
    "values",
    [
        ["合  计", None, 100],
        [None, "全市合计", 100],
        ["", "小计（续建项目）", 5],
        ["总计：", 1],
        ["一", "小计", 3],
    ],
)
def test_total_rows(values):
    assert is_total_row(values)


@pytest.mark.parametrize(
    "values",
    [
        [1, "城区供水总计划工程", "甲公司"],
        [1, "项目甲", "合计"],  # third non-empty cell is not considered
        [None, None],
        [2, "某某市合计划建设的一个非常长的项目名称", 1],
    ],
)
def test_not_total_rows(values):
    assert not is_total_row(values)


def test_blank_rows():
    assert is_blank_row([None, "", " \u3000\n"])
    assert is_blank_row([])
    assert not is_blank_row([None, 0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("项目=1", "项目=1"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


def test_gc_paused_holds_the_collector_and_restores_it():
    import gc

    from keyworks.core.memory import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
