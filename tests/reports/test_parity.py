"""The compiled renderer against docxtpl, whose tags it promises.

Each small template below (built here with python-docx) uses one tag the renderer supports; it
is rendered through ours and through docxtpl with the same context, and both documents, opened
with python-docx, give the same structural dump. A template using a docxtpl tag the renderer
does not handle is refused when it is compiled (UnsupportedTag, naming the tag and where it
is); a value that brings its own docxtpl markup is refused when it is rendered.

What the dump keeps: the body's and the header's paragraphs and tables in order, each table's
rows and cells, each cell's span (gridSpan), shading (shd fill) and vertical merge, and each
paragraph's runs by their text (w:t, a break as "\\n", a tab as "\\t"). What it leaves out,
and why:
- run and paragraph properties: the tags decide text and structure, not formatting; and
  where docxtpl cuts a run around a `{{r }}` or `{%r %}` tag, the text after it loses the
  run's properties, where ours keeps them;
- runs with no text: docxtpl leaves an empty run on each side of a `{{r }}`/`{%r %}` tag's
  run (an empty run shows nothing in Word); ours leaves none;
- the table grid (w:tblGrid): docxtpl rewrites the column widths when a `{%tc %}` loop makes
  more cells than the template has columns (fix_tables); ours keeps the template's grid.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docxtpl import DocxTemplate, InlineImage, Listing, RichText
from markupsafe import Markup

from tasks.core.errors import UserError
from tasks.reports.docx.errors import UnsupportedTag, UnsupportedValue
from tasks.reports.docx.render import compile_template
from tasks.reports.layouts.blocks import placeholder_png

AS_OF = date(2025, 3, 5)
NAME = "parity_tpl.docx"
Layout = Callable[[DocumentObject], None]


def _template(layout: Layout) -> bytes:
    doc = docx.Document()
    layout(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _ours(data: bytes, context: dict[str, Any]) -> bytes:
    return compile_template(data, name=NAME).render(context, as_of=AS_OF, title="")


def _docxtpl(data: bytes, context: dict[str, Any]) -> bytes:
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _run_text(run: Any) -> str:
    parts = []
    for child in run:
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        elif child.tag == qn("w:br"):
            parts.append("\n")
        elif child.tag == qn("w:tab"):
            parts.append("\t")
    return "".join(parts)


def _cell_property(tc: Any, name: str, attr: str) -> str | None:
    props = tc.find(qn("w:tcPr"))
    found = None if props is None else props.find(qn(name))
    return None if found is None else str(found.get(qn(attr), ""))


def _blocks(parent: Any) -> list[Any]:
    out: list[Any] = []
    for child in parent:
        if child.tag == qn("w:p"):
            runs = [_run_text(r) for r in child.iter(qn("w:r"))]
            out.append(("p", [text for text in runs if text]))
        elif child.tag == qn("w:tbl"):
            rows = [
                [
                    (
                        _cell_property(tc, "w:gridSpan", "w:val"),
                        _cell_property(tc, "w:shd", "w:fill"),
                        _cell_property(tc, "w:vMerge", "w:val"),
                        _blocks(tc),
                    )
                    for tc in tr.findall(qn("w:tc"))
                ]
                for tr in child.findall(qn("w:tr"))
            ]
            out.append(("table", rows))
    return out


def structure(data: bytes) -> dict[str, list[Any]]:
    """The normalised structural dump of a document (see the module's docstring)."""
    doc = docx.Document(io.BytesIO(data))
    header = doc.sections[0].header
    return {
        "body": _blocks(doc.element.body),
        "header": [] if header.is_linked_to_previous else _blocks(header._element),
    }


def _same_through_both(layout: Layout, context: dict[str, Any]) -> dict[str, list[Any]]:
    data = _template(layout)
    ours = structure(_ours(data, context))
    assert ours == structure(_docxtpl(data, context))
    return ours


# --- tags the renderer supports: the same document through both ---------------------------


def test_plain_values_in_the_body_and_the_header_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.sections[0].header.paragraphs[0].text = "{{ issuer }}"
        doc.add_paragraph("Kính gửi: {{ unit.name }}; hạn {{ due }}.")
        p = doc.add_paragraph("Số liệu đến ngày ")
        p.add_run("{{ as_of }}").bold = True
        p.add_run(", {{ count }} đơn vị.")

    ctx = {
        "issuer": "Đảng ủy Khối",
        "unit": {"name": "Chi bộ Phòng Kế hoạch"},
        "due": "31/03/2025",
        "as_of": "05/03/2025",
        "count": 12,
    }
    got = _same_through_both(layout, ctx)
    assert got["header"] == [("p", ["Đảng ủy Khối"])]
    assert got["body"][1] == ("p", ["Số liệu đến ngày ", "05/03/2025", ", 12 đơn vị."])


def test_inline_if_and_for_with_comparisons_in_the_tag_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("{% if n > 1 and n < 5 %}Vài{% else %}Nhiều{% endif %} đơn vị: ")
        doc.add_paragraph("{% for u in units %}{{ loop.index }}. {{ u }}; {% endfor %}hết.")

    got = _same_through_both(layout, {"n": 3, "units": ["Chi bộ A", "Chi bộ B"]})
    assert got["body"] == [("p", ["Vài đơn vị: "]), ("p", ["1. Chi bộ A; 2. Chi bộ B; hết."])]


def test_paragraph_loops_and_conditions_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Các đơn vị chậm:")
        doc.add_paragraph("{%p for u in late %}")
        doc.add_paragraph("- {{ u }}")
        doc.add_paragraph("{%p endfor %}")
        doc.add_paragraph("{%p if late %}")
        doc.add_paragraph("Đề nghị khẩn trương hoàn thành.")
        doc.add_paragraph("{%p else %}")
        doc.add_paragraph("Không có.")
        doc.add_paragraph("{%p endif %}")

    got = _same_through_both(layout, {"late": ["Chi bộ A", "Chi bộ B"]})
    assert [block[1] for block in got["body"]] == [
        ["Các đơn vị chậm:"],
        ["- Chi bộ A"],
        ["- Chi bộ B"],
        ["Đề nghị khẩn trương hoàn thành."],
    ]


def test_table_row_loops_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        table = doc.add_table(rows=4, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "STT", "Đơn vị"
        table.cell(1, 0).text = "{%tr for u in units %}"
        table.cell(2, 0).text, table.cell(2, 1).text = "{{ loop.index }}", "{{ u }}"
        table.cell(3, 0).text = "{%tr endfor %}"

    got = _same_through_both(layout, {"units": ["Chi bộ A", "Chi bộ B", "Chi bộ C"]})
    rows = got["body"][0][1]
    assert [[cell[3] for cell in row] for row in rows] == [
        [[("p", ["STT"])], [("p", ["Đơn vị"])]],
        [[("p", ["1"])], [("p", ["Chi bộ A"])]],
        [[("p", ["2"])], [("p", ["Chi bộ B"])]],
        [[("p", ["3"])], [("p", ["Chi bộ C"])]],
    ]


def test_table_cell_loops_past_the_templates_columns_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        table = doc.add_table(rows=2, cols=4)
        table.cell(0, 0).text = "Nội dung"
        table.cell(0, 1).text = "{%tc for q in quarters %}"
        table.cell(0, 2).text = "{{ q }}"
        table.cell(0, 3).text = "{%tc endfor %}"
        table.cell(1, 0).text = "Hoàn thành"

    got = _same_through_both(layout, {"quarters": ["Quý I", "Quý II", "Quý III", "Quý IV"]})
    header = got["body"][0][1][0]
    assert [cell[3] for cell in header] == [
        [("p", ["Nội dung"])],
        [("p", ["Quý I"])],
        [("p", ["Quý II"])],
        [("p", ["Quý III"])],
        [("p", ["Quý IV"])],
    ]


def test_rich_runs_alone_or_sharing_their_run_with_text_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        p = doc.add_paragraph("Kết luận: ")
        p.add_run("{{r verdict }}")
        p.add_run(".")
        doc.add_paragraph("Đánh giá {{r verdict }} theo kế hoạch.")

    # The run markup docxtpl's RichText writes, handed over as Markup: what `{{r }}` takes.
    verdict = Markup(RichText("Đạt", bold=True).xml)
    got = _same_through_both(layout, {"verdict": verdict})
    assert got["body"] == [
        ("p", ["Kết luận: ", "Đạt", "."]),
        ("p", ["Đánh giá ", "Đạt", " theo kế hoạch."]),
    ]


def test_run_conditions_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        p = doc.add_paragraph("Kết quả: ")
        p.add_run("{%r if met %}")
        p.add_run("đạt")
        p.add_run("{%r endif %}")
        p.add_run(" chỉ tiêu.")
        doc.add_paragraph("Tiến độ {%r if late %}chậm{%r endif %} so với kế hoạch.")

    for met in (True, False):
        got = _same_through_both(layout, {"met": met, "late": met})
        expected = ["Kết quả: ", "đạt", " chỉ tiêu."] if met else ["Kết quả: ", " chỉ tiêu."]
        assert got["body"][0] == ("p", expected)


def test_cell_shading_in_a_row_loop_is_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        table = doc.add_table(rows=3, cols=2)
        table.cell(0, 0).text = "{%tr for s in stages %}"
        table.cell(1, 0).text = "{{ s.label }}"
        table.cell(1, 1).text = "{% cellbg s.colour %}{{ s.state }}"
        table.cell(2, 0).text = "{%tr endfor %}"

    stages = [
        {"label": "Nhân sự", "colour": "2E7D32", "state": "Hoàn thành"},
        {"label": "Góp ý", "colour": "C62828", "state": "Quá hạn"},
    ]
    got = _same_through_both(layout, {"stages": stages})
    assert [row[1][1] for row in got["body"][0][1]] == ["2E7D32", "C62828"]


def test_cell_spans_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        table = doc.add_table(rows=2, cols=3)
        table.cell(0, 0).text = "{% colspan span %}Tiến độ"
        table.cell(1, 0).text, table.cell(1, 1).text = "a", "b"

    got = _same_through_both(layout, {"span": 3})
    assert got["body"][0][1][0][0][0] == "3"


def test_values_are_escaped_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Ý kiến: {{ text }}")
        table = doc.add_table(rows=1, cols=1)
        table.cell(0, 0).text = "{{ text }}"

    text = "Đề nghị bổ sung <mục 2> & \"giải pháp\" của 'Chi bộ A'"
    got = _same_through_both(layout, {"text": text})
    assert got["body"][0] == ("p", [f"Ý kiến: {text}"])
    assert got["body"][1][1][0][0][3] == [("p", [text])]


def test_line_breaks_in_values_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Ngày vào Đảng: {{ joined }}")

    got = _same_through_both(layout, {"joined": "01/02/2001\n01/02/2002"})
    assert got["body"] == [("p", ["Ngày vào Đảng: 01/02/2001\n01/02/2002"])]


def test_comment_paragraphs_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Trước")
        doc.add_paragraph("{#p ghi chú cho người soạn mẫu #}")
        doc.add_paragraph("Sau")

    assert _same_through_both(layout, {})["body"] == [("p", ["Trước"]), ("p", ["Sau"])]


def test_statements_merged_with_the_paragraph_before_or_after_are_the_same_through_both() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Các đơn vị:")
        doc.add_paragraph("{%- for u in units %}")
        doc.add_paragraph(" {{ u }}")
        doc.add_paragraph("{% endfor -%}")
        doc.add_paragraph("Hết.")

    got = _same_through_both(layout, {"units": ["Chi bộ A", "Chi bộ B"]})
    assert ("p", [" Chi bộ B"]) in got["body"]


# --- docxtpl tags the renderer does not support: refused when compiled -------------------


def _refused(layout: Layout) -> UnsupportedTag:
    with pytest.raises(UnsupportedTag) as caught:
        compile_template(_template(layout), name=NAME)
    assert isinstance(caught.value, UserError)
    return caught.value


def _loop_table(doc: DocumentObject, cell_text: str) -> None:
    table = doc.add_table(rows=4, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Đơn vị", "Nhóm"
    table.cell(1, 0).text = "{%tr for r in rows %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ r.name }}", cell_text
    table.cell(3, 0).text = "{%tr endfor %}"


@pytest.mark.parametrize(
    ("cell_text", "tag"),
    [("{% vm %}{{ r.group }}", "{% vm %}"), ("{% hm %}{{ r.group }}", "{% hm %}")],
)
def test_a_cell_merge_in_a_loop_is_refused_naming_the_tag_and_its_cell(
    cell_text: str, tag: str
) -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Danh sách:")
        _loop_table(doc, cell_text)

    data = _template(layout)
    rows = [{"name": "A", "group": "1"}, {"name": "B", "group": "1"}]
    assert _docxtpl(data, {"rows": rows})  # a tag docxtpl knows
    refused = _refused(layout)
    assert (refused.tag, refused.part) == (tag, "word/document.xml")
    assert refused.where == "bảng 1, hàng 3, ô 2, đoạn 1 trong ô"
    assert tag in refused.message and "bảng 1, hàng 3, ô 2" in refused.message


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("{{p subdoc }}", "{{p subdoc }}"),
        ("{{tr row_xml }}", "{{tr row_xml }}"),
        ("{{tc cell_xml }}", "{{tc cell_xml }}"),
    ],
)
def test_a_value_in_place_of_a_paragraph_row_or_cell_is_refused_naming_its_paragraph(
    text: str, tag: str
) -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Phần I")
        doc.add_paragraph("Phần II")
        doc.add_paragraph(text)

    refused = _refused(layout)
    assert (refused.tag, refused.part, refused.where) == (tag, "word/document.xml", "đoạn 3")


def test_docxtpls_escaped_braces_are_refused() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.add_paragraph("Cú pháp {_{ tên }_} là của docxtpl.")

    data = _template(layout)
    texts = [p.text for p in docx.Document(io.BytesIO(_docxtpl(data, {}))).paragraphs]
    assert texts == ["Cú pháp {{ tên }} là của docxtpl."]  # docxtpl prints the braces
    refused = _refused(layout)
    assert (refused.tag, refused.where) == ("{_{", "đoạn 1")


def test_an_unsupported_tag_split_across_runs_is_refused_too() -> None:
    def layout(doc: DocumentObject) -> None:
        p = doc.add_paragraph("Nhóm: ")
        p.add_run("{%")
        p.add_run(" vm ").italic = True
        p.add_run("%}")

    refused = _refused(layout)
    assert (refused.tag, refused.where) == ("{% vm %}", "đoạn 1")


def test_an_unsupported_tag_in_the_header_names_the_header_part() -> None:
    def layout(doc: DocumentObject) -> None:
        doc.sections[0].header.paragraphs[0].text = "{{p banner }}"
        doc.add_paragraph("{{ ok }}")

    refused = _refused(layout)
    assert refused.part.startswith("word/header") and refused.where == "đoạn 1"


# --- values carrying their own docxtpl markup: refused when rendered ---------------------


def _plain(doc: DocumentObject) -> None:
    doc.add_paragraph("Trước")
    doc.add_paragraph("Giá trị: {{ value }}")


def _rich(doc: DocumentObject) -> None:
    p = doc.add_paragraph("Giá trị: ")
    p.add_run("{{r value }}")


def _inline_image(data: bytes) -> InlineImage:
    return InlineImage(DocxTemplate(io.BytesIO(data)), io.BytesIO(placeholder_png()))


@pytest.mark.parametrize(
    ("layout", "make", "type_name"),
    [
        (_rich, lambda _data: RichText("Đạt", bold=True), "RichText"),
        (_plain, lambda _data: RichText("Đạt", bold=True), "RichText"),
        (_plain, lambda _data: Listing("dòng 1\ndòng 2"), "Listing"),
        (_plain, _inline_image, "InlineImage"),
    ],
)
def test_a_value_with_its_own_docxtpl_markup_is_refused_naming_its_type_and_part(
    layout: Layout, make: Callable[[bytes], Any], type_name: str
) -> None:
    data = _template(layout)
    template = compile_template(data, name=NAME)
    with pytest.raises(UnsupportedValue) as caught:
        template.render({"value": make(data)}, as_of=AS_OF, title="")
    assert isinstance(caught.value, UserError)
    assert (caught.value.type_name, caught.value.part) == (type_name, "word/document.xml")
    assert type_name in caught.value.message and NAME in caught.value.message
