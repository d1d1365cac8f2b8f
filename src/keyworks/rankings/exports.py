"""A period's ranking as .xlsx and .docx, in Chinese, fit to print (A4 landscape).

Both carry the title "<programme>X-Y月推进情况排名", one table per dimension (projects:
one per category) with each score's parts and the movement, then the red and black
lists."""

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from keyworks.core.marks import mark_document, mark_sheet
from keyworks.core.xlsx import escape_formula

from .models import PARTS
from .scoring import DIMENSIONS, NO_VERIFICATION, Table
from .services import Ranking

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHEET_NAMES = {
    "task_force": gettext_lazy("专班排名"),
    "district": gettext_lazy("县区排名"),
    "project": gettext_lazy("项目排名"),
}


def title(ranking: Ranking) -> str:
    """焦作市三十工程2025年9-10月推进情况排名 (the programme name without its year)."""
    programme = ranking.programme
    name = programme.name.replace(f"{programme.year}年", "")
    return _("%(programme)s%(period)s推进情况排名") % {
        "programme": name,
        "period": ranking.period.label,
    }


def filename(ranking: Ranking, ext: str) -> str:
    return f"{title(ranking)}.{ext}"


def headers(ranking: Ranking) -> list[str]:
    parts = [
        _("%(part)s（%(weight)s分）") % {"part": label, "weight": ranking.weights[code]}
        for code, label, _w in PARTS
    ]
    return [_("名次"), _("名称"), _("总分"), *parts, _("较上期"), _("计分说明")]


def row_values(row) -> list:
    notes = _("；").join(
        _("%(part)s：%(figure)s") % {"part": p.label, "figure": p.figure} for p in row.parts
    )
    return [
        row.rank,
        row.label,
        row.total,
        *[p.score for p in row.parts],
        row.movement_label,
        notes,
    ]


def scheme_note(ranking: Ranking) -> str:
    weights = _("，").join(
        _("%(part)s%(weight)s分") % {"part": label, "weight": ranking.weights[code]}
        for code, label, _w in PARTS
    )
    if ranking.published:
        note = _("计分方案：%(weights)s；满分100分。本期排名已发布。暂停项目不参与排名。")
    else:
        note = _("计分方案：%(weights)s；满分100分。本期排名实时计算，未发布。暂停项目不参与排名。")
    note = note % {"weights": weights}
    if any(
        p.figure == NO_VERIFICATION for t in all_tables(ranking) for r in t.rows for p in r.parts
    ):
        note += _("核验差距：本期无实地核验的对象显示“暂无核验数据”，按满分计。")
    return note


def all_tables(ranking: Ranking) -> list[Table]:
    return [t for code, _label in DIMENSIONS for t in ranking.tables.get(code, [])]


def list_line(rows) -> str:
    return _("、").join(
        _("%(name)s（%(total)s分）") % {"name": r.label, "total": r.total} for r in rows
    ) or _("无")


# --- xlsx ------------------------------------------------------------------------------

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
WIDTHS = [6, 28, 8, 12, 12, 12, 10, 10, 8, 60]


def _sheet_setup(ws, columns: int, header_row: int) -> None:
    for i, width in enumerate(WIDTHS[:columns], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{header_row + 1}"  # a string: ws.cell() would create a row
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True


def _title_rows(ws, text: str, note: str, columns: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.cell(1, 1).font = Font(name="宋体", size=16, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([note])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 32


def _write_header(ws, values: list[str]) -> None:
    ws.append(values)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_row(ws, values: list) -> None:
    ws.append([escape_formula(v) for v in values])
    for cell in ws[ws.max_row]:
        cell.border = BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if 3 <= cell.column <= 2 + 1 + len(PARTS):  # total and parts
            cell.number_format = "0.00"


def write_xlsx(ranking: Ranking) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    head = headers(ranking)
    note = scheme_note(ranking)
    for code, _label in DIMENSIONS:
        ws = wb.create_sheet(str(SHEET_NAMES[code]))
        _title_rows(ws, title(ranking), note, len(head))
        _write_header(ws, head)
        _sheet_setup(ws, len(head), 3)
        mark_sheet(ws, ranking.programme.is_demo)
        for table in ranking.tables.get(code, []):
            if table.group_label:
                ws.append([table.group_label])
                ws.merge_cells(
                    start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(head)
                )
                ws.cell(ws.max_row, 1).font = Font(bold=True)
            for row in table.rows:
                _write_row(ws, row_values(row))
    ws = wb.create_sheet(_("红黑榜"))
    _title_rows(ws, _("%(title)s · 红黑榜") % {"title": title(ranking)}, note, 3)
    _write_header(ws, [_("排名表"), _("红榜"), _("黑榜")])
    _sheet_setup(ws, 3, 3)
    mark_sheet(ws, ranking.programme.is_demo)
    for i, width in enumerate([28, 60, 60], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for table in all_tables(ranking):
        _write_row(ws, [table.title, list_line(table.red), list_line(table.black)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- docx ------------------------------------------------------------------------------

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    """Set the font for Latin and East Asian text alike (Word ignores font.name for CJK)."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(doc, text: str, font=BODY_FONT, size=12.0, bold=False, center=False):
    p = doc.add_paragraph()
    _font(p.add_run(text), font, size, bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    trpr.append(element)


def _table(doc, ranking: Ranking, table: Table) -> None:
    head = headers(ranking)
    grid = doc.add_table(rows=1, cols=len(head))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, head, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 9)
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row_values(row), strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 9)
    widths = [Cm(1.2), Cm(4.5), Cm(1.5)] + [Cm(1.8)] * len(PARTS) + [Cm(1.3), Cm(8.0)]
    for grid_row in grid.rows:
        for cell, width in zip(grid_row.cells, widths, strict=True):
            cell.width = width


# The Word headings' numbers (一、二、三、四、), in the active language.
NUMERALS = (gettext_lazy("一"), gettext_lazy("二"), gettext_lazy("三"), gettext_lazy("四"))


def write_docx(ranking: Ranking) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(2.0)
    mark_document(doc, ranking.programme.is_demo)
    _para(doc, title(ranking), TITLE_FONT, 20, bold=True, center=True)
    _para(doc, scheme_note(ranking), BODY_FONT, 11)
    for number, (code, label) in enumerate(DIMENSIONS, start=1):
        _para(
            doc,
            _("%(number)s、%(title)s") % {"number": NUMERALS[number - 1], "title": label},
            HEADING_FONT,
            14,
        )
        tables = ranking.tables.get(code, [])
        if not any(t.rows for t in tables):
            _para(doc, _("无参与排名的对象。"))
        for table in tables:
            if table.group_label:
                _para(doc, table.group_label, HEADING_FONT, 12)
            _table(doc, ranking, table)
    _para(
        doc,
        _("%(number)s、%(title)s") % {"number": NUMERALS[3], "title": _("红榜与黑榜")},
        HEADING_FONT,
        14,
    )
    for table in all_tables(ranking):
        p = _para(doc, _("%(title)s：") % {"title": table.title}, HEADING_FONT, 12)
        _font(p.add_run(_("红榜 %(names)s；") % {"names": list_line(table.red)}), BODY_FONT, 12)
        _font(p.add_run(_("黑榜 %(names)s。") % {"names": list_line(table.black)}), BODY_FONT, 12)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
