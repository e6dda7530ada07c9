"""python-docx helpers that lay out the Party format in a template (used by the layouts).

Every tag is written as the text of a single run, so the office sees `{{ doc.subject }}` in
Word and the renderer sees it whole; Word may split it later, which xml_clean undoes.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from tasks.reports import party_format as pf

MARGINS_MM = (20, 20, 30, 15)
_DROPPED = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
)

# Children that must follow the ones inserted here, in schema order (Word rejects disorder).
_AFTER_TBL_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
_AFTER_TBL_CELL_MAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
# A chart slot's size in the templates (the renderer puts the chart in its place).
CHART_MM = (160.0, 80.0)


def insert_child(parent: Any, child: Any, successors: Sequence[str]) -> None:
    """Insert `child` before the first of `successors` present, else at the end."""
    for name in successors:
        found = parent.find(qn(name))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _set_fonts(rpr_owner: Any, size: float) -> None:
    font = rpr_owner.font
    font.name = pf.FONT
    font.size = Pt(size)
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), pf.FONT)


def new_document(*, landscape: bool = False) -> DocumentObject:
    """An empty A4 document in Times New Roman 14 with the Party margins and page numbers."""
    doc = Document()
    for rels in (doc.part.rels, doc.part.package.rels):
        for rel in list(rels.values()):
            if rel.reltype in _DROPPED:
                del rels[rel.rId]
    normal = doc.styles["Normal"]
    _set_fonts(normal, pf.BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = doc.sections[0]
    width, height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = section.footer_distance = Mm(10)
    # Page numbers from page 2: a blank first-page header, the number centred on the others.
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = ""
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field_run = OxmlElement("w:r")
    field_text = OxmlElement("w:t")
    field_text.text = "2"
    field_run.append(field_text)
    field.append(field_run)
    number._p.append(field)
    return doc


def text_width_mm(doc: DocumentObject) -> float:
    """The width between the margins."""
    section = doc.sections[0]
    width = Emu(
        (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    )
    return float(width.mm)


def para(
    container: Any,
    text: str = "",
    *,
    size: float = pf.BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Any = JUSTIFY,
    indent_first: bool = False,
    before: float = 0,
    after: float = 0,
) -> Paragraph:
    """A paragraph holding one run (so a tag in `text` stays whole)."""
    p: Paragraph = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_first:
        fmt.first_line_indent = Mm(10)
    if text:
        r = p.add_run(text)
        _set_fonts(r, size)
        r.bold, r.italic, r.underline = bold or None, italic or None, underline or None
    return p


def first_para(cell: _Cell, text: str, **kwargs: Any) -> Paragraph:
    """Write into a cell's existing first paragraph (a new cell has one, empty)."""
    p = cell.paragraphs[0]
    p._p.getparent().remove(p._p)
    return para(cell, text, **kwargs)


def body(doc: DocumentObject, text: str, **kwargs: Any) -> Paragraph:
    """A body paragraph: 14 pt, justified, first line indented, 6 pt after."""
    kwargs.setdefault("indent_first", True)
    kwargs.setdefault("after", 6)
    return para(doc, text, **kwargs)


def heading(doc: DocumentObject, text: str) -> Paragraph:
    """A section heading (I. …): bold 14."""
    return para(doc, text, bold=True, indent_first=True, before=6, after=6)


def tag(container: Any, statement: str) -> Paragraph:
    """A paragraph holding only a `{%p … %}` statement (removed at render)."""
    return para(container, statement, align=LEFT)


def no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    insert_child(tbl_pr, borders, _AFTER_TBL_BORDERS)


def fixed_widths(table: Table, widths_mm: Sequence[float]) -> None:
    table.autofit = False  # writes <w:tblLayout w:type="fixed"/> in its place
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
        for cell in col.cells:
            cell.width = Mm(width)


def _cell_fonts(
    cell: _Cell, text: str, *, size: float, bold: bool = False, align: Any = CENTER
) -> None:
    first_para(cell, text, size=size, bold=bold, align=align)


def _set_cell_margins(table: Table, mm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    insert_child(table._tbl.tblPr, margins, _AFTER_TBL_CELL_MAR)


def loop_table(
    doc: DocumentObject,
    *,
    headers: Sequence[str],
    cells: Sequence[str],
    widths_mm: Sequence[float],
    loop: str,
    size: float = pf.TABLE_PT,
    align: Sequence[Any] | None = None,
    header_spans: Sequence[tuple[str, int]] | None = None,
    footer: Sequence[Sequence[str]] = (),
) -> Table:
    """A gridded table: a bold header row, then one row per item of `loop` (a `{%tr %}` row),
    then the bold `footer` rows (totals), aligned as the item row."""
    table: Table = doc.add_table(rows=4 + len(footer), cols=len(cells))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_widths(table, widths_mm)
    _set_cell_margins(table, 1.0)
    header = table.rows[0].cells
    if header_spans:
        col = 0
        for text, span in header_spans:
            cell = header[col].merge(header[col + span - 1]) if span > 1 else header[col]
            _cell_fonts(cell, text, size=size, bold=True)
            col += span
    else:
        for cell, text in zip(header, headers, strict=True):
            _cell_fonts(cell, text, size=size, bold=True)
    _repeat_header(table)
    first = table.rows[1].cells
    _cell_fonts(first[0], f"{{%tr for {loop} %}}", size=size, align=LEFT)
    cant_split(table.rows[2])
    row = table.rows[2].cells
    aligns = align or [CENTER] * len(cells)
    for cell, text, al in zip(row, cells, aligns, strict=True):
        _cell_fonts(cell, text, size=size, align=al)
    _cell_fonts(table.rows[3].cells[0], "{%tr endfor %}", size=size, align=LEFT)
    for r, texts in enumerate(footer, start=4):
        for cell, text, al in zip(table.rows[r].cells, texts, aligns, strict=True):
            _cell_fonts(cell, text, size=size, bold=True, align=al)
    return table


def cant_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    tr_pr.append(el)


def picture(
    doc: DocumentObject, png: bytes, *, slot: str, width_mm: float, height_mm: float
) -> None:
    """A placeholder picture the renderer replaces with the chart named `slot`."""
    p = para(doc, "", align=CENTER, after=6)
    run = p.add_run()
    shape = run.add_picture(io.BytesIO(png), width=Mm(width_mm), height=Mm(height_mm))
    shape._inline.docPr.set("descr", f"daihoi:{slot}")
    shape._inline.docPr.set("name", f"daihoi-{slot}")


def placeholder_png(width: int = 32, height: int = 16) -> bytes:
    """A light grey PNG, written by hand so it carries no timestamp or software tag."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xe6\xe6\xe6" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )
