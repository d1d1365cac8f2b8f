"""The minutes (调度会议纪要) as a .docx fit to print and circulate: A4 portrait, 仿宋 body
and 黑体/宋体 headings (East Asian font set on every run), page numbers in the footer."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from keyworks.core.marks import mark_document

from .models import AgendaKind

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
SUMMARY_HEADERS = (
    gettext_lazy("序号"),
    gettext_lazy("议定事项"),
    gettext_lazy("责任单位"),
    gettext_lazy("完成时限"),
    gettext_lazy("状态"),
)
CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (enough for agenda sections)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def cn_date(day) -> str:
    """The date as the minutes write it (2025年3月7日), in the active language."""
    return _("%(year)s年%(month)s月%(day)s日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def section_heading(n: int, title: str) -> str:
    """一、议题 (in English: 1. Item)."""
    return _("%(cn)s、%(title)s") % {"cn": chinese_number(n), "n": n, "title": title}


def minutes_title(meeting) -> str:
    return _("焦作市三十工程第%(number)s次周调度会议纪要") % {"number": meeting.number}


def set_font(run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def styled_heading(doc, text: str, level: int, font: str, size: float, center=False):
    heading = doc.add_heading(level=level)
    run = heading.add_run(text)
    set_font(run, font, size, bold=level == 0 or None)
    run.font.color.rgb = RGBColor(0, 0, 0)
    if center:
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return heading


def paragraph(doc, text: str, *, bold_label: str = "", size: float = 14, indent=True):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if bold_label:
        set_font(p.add_run(bold_label), HEADING_FONT, size)
    set_font(p.add_run(text), BODY_FONT, size)
    return p


def page_number_footer(section) -> None:
    """ "第 N 页" centred in the footer, with a PAGE field."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _page, after = _("第 %(page)s 页").partition("%(page)s")
    set_font(p.add_run(before), BODY_FONT, 10.5)
    run = p.add_run()
    set_font(run, BODY_FONT, 10.5)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    set_font(p.add_run(after), BODY_FONT, 10.5)


def setup_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    page_number_footer(section)


def decision_line(n: int, d) -> str:
    return _("%(n)s. %(text)s（责任单位：%(unit)s；完成时限：%(deadline)s）") % {
        "n": n,
        "text": d.text,
        "unit": d.lead_unit.name,
        "deadline": cn_date(d.deadline),
    }


def write_minutes(meeting, items, stream) -> None:
    """Write the minutes of `meeting` with its agenda `items` (each with `decision_list`)."""
    doc = Document()
    setup_page(doc)
    mark_document(doc, meeting.programme.is_demo)
    styled_heading(doc, minutes_title(meeting), 0, TITLE_FONT, 22, center=True)
    info = (
        (_("会议时间："), cn_date(meeting.date)),
        (_("会议地点："), meeting.place or "—"),
        (_("主 持 人："), meeting.chair or "—"),
        (_("参会人员："), meeting.attendees or "—"),
    )
    for label, value in info:
        paragraph(doc, value, bold_label=label, indent=False)
    paragraph(
        doc,
        _(
            "%(date)s，召开%(meeting)s，听取重点项目推进情况汇报，"
            "研究解决项目建设中存在的问题。现将会议议定事项纪要如下："
        )
        % {"date": cn_date(meeting.date), "meeting": meeting.title},
    )
    all_decisions = []
    for n, item in enumerate(items, start=1):
        styled_heading(doc, section_heading(n, item.title), 1, HEADING_FONT, 16)
        if item.kind != AgendaKind.FREE or item.summary:
            paragraph(doc, item.summary or "—")
        decisions = item.decision_list
        if decisions:
            paragraph(doc, "", bold_label=_("会议议定："), indent=False)
            for d in decisions:
                all_decisions.append(d)
                paragraph(doc, decision_line(len(all_decisions), d))
    styled_heading(doc, section_heading(len(items) + 1, _("议定事项汇总")), 1, HEADING_FONT, 16)
    if all_decisions:
        summary_table(doc, all_decisions)
    else:
        paragraph(doc, _("本次会议无议定事项。"))
    doc.save(stream)


def summary_table(doc, decisions) -> None:
    table = doc.add_table(rows=1, cols=len(SUMMARY_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(1.3), Cm(8.2), Cm(3.4), Cm(2.6), Cm(2.1))
    for cell, text in zip(table.rows[0].cells, SUMMARY_HEADERS, strict=True):
        set_font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, 12)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n, d in enumerate(decisions, start=1):
        values = (str(n), d.text, d.lead_unit.name, cn_date(d.deadline), d.get_status_display())
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            set_font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
