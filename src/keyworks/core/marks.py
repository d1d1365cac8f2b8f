"""The 演示数据 mark on exported files: a demo programme's workbooks and documents carry it
in the printed header of every page, so no printed sheet or file passes as real figures.
Real programmes (``is_demo`` false) carry nothing."""

from __future__ import annotations

from django.utils.translation import gettext


def demo_mark() -> str:
    return gettext("演示数据")


def mark_sheet(ws, demo: bool) -> None:
    """Put the mark in the centre of the worksheet's page header (every page)."""
    if demo:
        ws.oddHeader.center.text = demo_mark()
        ws.oddHeader.center.size = 14


def mark_document(doc, demo: bool) -> None:
    """Put the mark in the page header of every section of a python-docx document."""
    if not demo:
        return
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for section in doc.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.text = demo_mark()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
