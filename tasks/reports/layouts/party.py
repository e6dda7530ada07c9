"""The Party format's fixed blocks in a template: the two-column header, the title of a báo
cáo, the addressee of a công văn and the sign-off (Nơi nhận and the signature)."""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph

from tasks.reports import party_format as pf
from tasks.reports.layouts.blocks import (
    CENTER,
    LEFT,
    cant_split,
    first_para,
    fixed_widths,
    insert_child,
    no_borders,
    para,
    tag,
    text_width_mm,
)

# Header columns: the date line (≈91 mm in 14 pt italic) must fit on one line at the right.
HEADER_LEFT_MM = 68
HEADER_RIGHT_MM = 97
# "ĐẢNG CỘNG SẢN VIỆT NAM" in 15 pt bold measures ≈65 mm (Liberation Serif, metric-equal to
# Times New Roman); the rule under it is a paragraph border indented to that length.
PARTY_TITLE_MM = 66
# The paragraph properties that must follow a border, in schema order (Word rejects disorder).
_AFTER_P_BDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _rule(container: Any, indent_mm: float) -> Paragraph:
    """An empty 2 pt paragraph whose bottom border, indented, is a rule of a given length."""
    p = para(container, "", align=CENTER)
    p.paragraph_format.left_indent = Mm(indent_mm)
    p.paragraph_format.right_indent = Mm(indent_mm)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    border.append(bottom)
    insert_child(ppr, border, _AFTER_P_BDR)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    insert_child(ppr, mark, ("w:sectPr", "w:pPrChange"))
    return p


def party_header(doc: DocumentObject, *, letter: bool) -> Table:
    """The two-column borderless header: issuer and number left, Party title and date right."""
    table: Table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    fixed_widths(table, (HEADER_LEFT_MM, HEADER_RIGHT_MM))
    left, right = table.rows[0].cells
    first_para(left, "{{ doc.superior }}", size=pf.ORG_PT, align=CENTER)
    para(left, "{{ doc.issuer }}", size=pf.ORG_PT, bold=True, align=CENTER)
    para(left, "*", size=pf.ORG_PT, align=CENTER)
    para(left, "{{ doc.number_line }}", size=pf.ORG_PT, align=CENTER)
    if letter:
        para(left, "{{ doc.subject }}", size=pf.CV_SUBJECT_PT, italic=True, align=CENTER, before=3)
    first_para(right, pf.PARTY_TITLE, size=pf.PARTY_TITLE_PT, bold=True, align=CENTER)
    cell_text_mm = HEADER_RIGHT_MM - 2 * 1.91  # Word's default cell margins: 0.19 cm each side
    _rule(right, (cell_text_mm - PARTY_TITLE_MM) / 2)
    para(right, "{{ doc.date_line }}", size=pf.ORG_PT, italic=True, align=CENTER, before=10)
    return table


def report_title(doc: DocumentObject) -> None:
    """Type name (16 bold caps) and subject (14 bold), then a short dash rule."""
    para(doc, "", align=CENTER)
    para(doc, "{{ doc.type_name }}", size=pf.TYPE_NAME_PT, bold=True, align=CENTER, before=6)
    para(doc, "{{ doc.subject }}", size=pf.SUBJECT_PT, bold=True, align=CENTER)
    para(doc, "-----", size=pf.SUBJECT_PT, align=CENTER, after=12)


def letter_addressee(doc: DocumentObject) -> None:
    """'Kính gửi: …' of a công văn, centred under the header."""
    para(doc, "", align=CENTER)
    para(doc, "Kính gửi: {{ doc.addressee }}", align=CENTER, before=6, after=12)


def sign_off(doc: DocumentObject) -> Table:
    """'Nơi nhận' at the bottom left, the signature block at the right."""
    para(doc, "", after=6)
    table: Table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    width = text_width_mm(doc)
    fixed_widths(table, (width * 0.5, width * 0.5))
    cant_split(table.rows[0])
    left, right = table.rows[0].cells
    first_para(left, "Nơi nhận:", size=pf.RECIPIENTS_TITLE_PT, bold=True, italic=True, align=LEFT)
    tag(left, "{%p for line in doc.recipients %}")
    para(left, "{{ line }}", size=pf.RECIPIENTS_PT, align=LEFT)
    tag(left, "{%p endfor %}")
    first_para(right, "{{ doc.signer_authority }}", size=pf.ORG_PT, bold=True, align=CENTER)
    para(right, "{{ doc.signer_title }}", size=pf.ORG_PT, bold=True, align=CENTER)
    for _ in range(4):
        para(right, "", align=CENTER)
    para(right, "{{ doc.signer_name }}", size=pf.ORG_PT, bold=True, align=CENTER)
    return table
