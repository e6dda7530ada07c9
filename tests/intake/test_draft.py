"""The draft Political Report: sections from a .docx (FORMS.md §8) and new versions relinking comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from sqlalchemy import Engine, select

from models.db import read_session, write_session
from models.enums import CommentKind, DispositionAction, OrgKind
from models.feedback import Comment, Disposition, Draft, DraftSection, Submission
from models.org import Organisation
from models.settings import Limits
from tasks.core.text import norm_key
from tasks.intake.draft.parse import (
    DraftFormatError,
    ParsedDraft,
    check_docx,
    parse_draft,
    sections_of,
)
from tasks.intake.draft.store import import_draft, orphan_comments
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org

pytestmark = pytest.mark.db


def numbers(document: DocxDocument) -> list[str]:
    return [s.number for s in sections_of(document).sections]


def bold_paragraph(document: DocxDocument, *runs: tuple[str, bool]) -> None:
    p = document.add_paragraph()
    for text, bold in runs:
        p.add_run(text).bold = bold


def add_list(document: DocxDocument, formats: tuple[str, ...], abstract_id: str = "90") -> str:
    """Add a multi-level list to the numbering part; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), abstract_id)
    for ilvl, fmt in enumerate(formats):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", f"%{ilvl + 1}.")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        abstract.append(lvl)
    # abstractNum elements come before num elements in the schema.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num_id = str(int(abstract_id) + 100)
    num.set(qn("w:numId"), num_id)
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), abstract_id)
    num.append(ref)
    numbering.append(num)
    return num_id


def number_paragraph(paragraph: docx.text.paragraph.Paragraph, num_id: str, ilvl: int) -> None:
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = ilvl
    numpr.get_or_add_numId().val = int(num_id)


def outline_style(document: DocxDocument, name: str, level: int | None, base: str | None = None):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base is not None:
        style.base_style = document.styles[base]
    if level is not None:
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level))
        style.element.get_or_add_pPr().append(outline)
    return style


# --- parsing ---------------------------------------------------------------------------------


def test_builtin_heading_styles_give_numbers_as_printed_and_skip_the_preface() -> None:
    d = docx.Document()
    d.add_paragraph("DỰ THẢO BÁO CÁO CHÍNH TRỊ")
    d.add_paragraph("I. Lời nói đầu không phải đề mục vì không có kiểu tiêu đề.")
    d.add_paragraph("I. TÌNH HÌNH VÀ KẾT QUẢ", style="Heading 1")
    d.add_paragraph("Nội dung 1.500 đảng viên.")
    d.add_paragraph("1. Kết quả lãnh đạo", style="Heading 2")
    d.add_paragraph("a) Về giáo dục chính trị:", style="Heading 3")
    d.add_paragraph("b) Về tổ chức", style="Heading 3")
    d.add_paragraph("2. Hạn chế", style="Heading 2")
    d.add_paragraph("II. PHƯƠNG HƯỚNG", style="Heading 1")
    d.add_paragraph("1) Mục tiêu", style="Heading 2")
    parsed = sections_of(d)
    assert parsed.mode == "styles"
    assert [s.number for s in parsed.sections] == [
        "I",
        "I.1",
        "I.1.a",
        "I.1.b",
        "I.2",
        "II",
        "II.1",
    ]
    assert [s.level for s in parsed.sections] == [1, 2, 3, 3, 2, 1, 2]
    assert parsed.sections[2].title == "Về giáo dục chính trị"
    assert parsed.title == "DỰ THẢO BÁO CÁO CHÍNH TRỊ"


def test_outline_levels_through_base_styles_make_headings() -> None:
    d = docx.Document()
    outline_style(d, "Muc La Ma", 0)
    outline_style(d, "Muc So", 1)
    outline_style(d, "Muc So Dam", None, base="Muc So")  # inherits outline level 1
    outline_style(d, "Muc Chu", 2)
    outline_style(d, "Than Van Ban", 9)  # outline level 9 = body text
    d.add_paragraph("I. Đánh giá", style="Muc La Ma")
    d.add_paragraph("1. Ưu điểm", style="Muc So Dam")
    d.add_paragraph("a. Về công tác cán bộ", style="Muc Chu")
    d.add_paragraph("2. Không phải tiêu đề", style="Than Van Ban")
    d.add_paragraph("2. Khuyết điểm", style="Muc So")
    assert numbers(d) == ["I", "I.1", "I.1.a", "I.2"]


def test_automatic_numbering_is_computed_not_read_from_the_text() -> None:
    d = docx.Document()
    num = add_list(d, ("upperRoman", "decimal", "lowerLetter"))
    heads = [
        ("Tình hình", "Heading 1", 0),
        ("5 nhiệm vụ trọng tâm", "Heading 2", 1),  # the leading 5 is text, not the number
        ("Về giáo dục", "Heading 3", 2),
        ("Về đào tạo", "Heading 3", 2),
        ("Hạn chế", "Heading 2", 1),
        ("Phương hướng", "Heading 1", 0),
        ("Mục tiêu", "Heading 2", 1),
    ]
    for text, style, ilvl in heads:
        number_paragraph(d.add_paragraph(text, style=style), num, ilvl)
        d.add_paragraph("Đoạn văn.")
    parsed = sections_of(d)
    assert [s.number for s in parsed.sections] == [
        "I",
        "I.1",
        "I.1.a",
        "I.1.b",
        "I.2",
        "II",
        "II.1",
    ]
    assert parsed.sections[1].title == "5 nhiệm vụ trọng tâm"


def test_automatic_numbering_on_bold_paragraphs_when_no_heading_styles() -> None:
    d = docx.Document()
    num = add_list(d, ("upperRoman", "decimal", "lowerLetter"))
    for text, ilvl in (("Kết quả", 0), ("Giáo dục", 1), ("Đào tạo", 1), ("Phương hướng", 0)):
        p = d.add_paragraph()
        p.add_run(text).bold = True
        number_paragraph(p, num, ilvl)
    assert numbers(d) == ["I", "I.1", "I.2", "II"]


def test_bold_numbered_paragraphs_are_headings_when_no_heading_styles() -> None:
    d = docx.Document()
    d.add_paragraph("Đảng bộ ... nhiệm kỳ 2020–2025")
    bold_paragraph(d, ("I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT", True))
    bold_paragraph(d, ("1.", True), (" ", False), ("Công tác chính trị, tư tưởng:", True))
    bold_paragraph(d, ("a) Về học tập", True), (" nghị quyết được tổ chức đầy đủ.", False))
    bold_paragraph(d, ("b) không đậm nên không là đề mục", False))
    bold_paragraph(d, ("1.500 đảng viên tham gia", True))  # a number, not a heading
    bold_paragraph(d, ("2.", True), (" chỉ số đậm, phần chữ thường", False))
    bold_paragraph(d, ("2) Công tác tổ chức", True))
    bold_paragraph(d, ("II. PHƯƠNG HƯỚNG", True))
    parsed = sections_of(d)
    assert parsed.mode == "bold"
    assert [(s.number, s.title) for s in parsed.sections] == [
        ("I", "KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT"),
        ("I.1", "Công tác chính trị, tư tưởng"),
        ("I.1.a", "Về học tập"),
        ("I.2", "Công tác tổ chức"),
        ("II", "PHƯƠNG HƯỚNG"),
    ]


def test_a_styled_title_alone_does_not_hide_the_bold_headings() -> None:
    d = docx.Document()
    d.add_paragraph("BÁO CÁO CHÍNH TRỊ", style="Heading 1")
    bold_paragraph(d, ("I. Tình hình", True))
    bold_paragraph(d, ("1. Kết quả", True))
    assert numbers(d) == ["I", "I.1"]


def test_parts_come_first_in_the_number() -> None:
    d = docx.Document()
    d.add_paragraph("PHẦN THỨ NHẤT", style="Heading 1")
    d.add_paragraph("ĐÁNH GIÁ TÌNH HÌNH NHIỆM KỲ 2020 – 2025", style="Heading 1")
    d.add_paragraph("I. KẾT QUẢ", style="Heading 2")
    d.add_paragraph("1. Chính trị", style="Heading 3")
    d.add_paragraph("2. Kinh tế", style="Heading 3")
    d.add_paragraph("a) Về đầu tư", style="Heading 4")  # parts take Heading 1: one level lower
    d.add_paragraph("PHẦN THỨ HAI: PHƯƠNG HƯỚNG NHIỆM KỲ 2025 – 2030", style="Heading 1")
    d.add_paragraph("I. MỤC TIÊU", style="Heading 2")
    d.add_paragraph("1. Chỉ tiêu", style="Heading 3")
    parsed = sections_of(d)
    assert [s.number for s in parsed.sections] == [
        "P1",
        "P1.I",
        "P1.I.1",
        "P1.I.2",
        "P1.I.2.a",
        "P2",
        "P2.I",
        "P2.I.1",
    ]
    assert parsed.sections[0].title == "ĐÁNH GIÁ TÌNH HÌNH NHIỆM KỲ 2020 – 2025"
    assert parsed.sections[5].title == "PHƯƠNG HƯỚNG NHIỆM KỲ 2025 – 2030"
    assert parsed.sections[0].level == 0


def test_parts_in_a_bold_only_draft() -> None:
    d = docx.Document()
    bold_paragraph(d, ("PHẦN THỨ NHẤT", True))
    bold_paragraph(d, ("I. Tình hình", True))
    bold_paragraph(d, ("1. Kết quả", True))
    bold_paragraph(d, ("PHẦN THỨ HAI", True))
    bold_paragraph(d, ("I. Mục tiêu", True))
    assert numbers(d) == ["P1", "P1.I", "P1.I.1", "P2", "P2.I"]


def test_two_sections_with_the_same_number_are_an_error() -> None:
    d = docx.Document()
    d.add_paragraph("I. Tình hình", style="Heading 1")
    d.add_paragraph("1. Kết quả", style="Heading 2")
    d.add_paragraph("1. Hạn chế", style="Heading 2")
    with pytest.raises(DraftFormatError) as e:
        sections_of(d)
    assert "I.1" in e.value.problems[0]
    assert "Kết quả" in e.value.problems[0] and "Hạn chế" in e.value.problems[0]


def test_unnumbered_headings_are_reported_not_numbered() -> None:
    d = docx.Document()
    d.add_paragraph("I. Tình hình", style="Heading 1")
    d.add_paragraph("KẾT LUẬN", style="Heading 1")
    parsed = sections_of(d)
    assert [s.number for s in parsed.sections] == ["I"]
    assert parsed.unnumbered == ("KẾT LUẬN",)


def test_a_renamed_or_non_docx_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "du-thao.docx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(DraftFormatError, match="không phải tệp Word"):
        check_docx(fake, Limits())
    doc = tmp_path / "du-thao.doc"
    doc.write_bytes(b"x")
    with pytest.raises(DraftFormatError, match=r"\.docx"):
        check_docx(doc, Limits())


# --- database ----------------------------------------------------------------------------------


def parsed_of(*sections: tuple[str, str]) -> ParsedDraft:
    d = docx.Document()
    for number, title in sections:
        level = number.count(".") + 1
        d.add_paragraph(f"{number.split('.')[-1]}. {title}", style=f"Heading {level}")
    return sections_of(d)


def seed_comments(engine: Engine, draft_id: int) -> dict[str, int]:
    """Two units' comments on sections I.1 (Kết quả), I.2 (Hạn chế), II and Chung."""
    with write_session(engine) as s:
        root = s.scalars(select(Draft.scope_org_id).where(Draft.id == draft_id)).one()
        parent = s.get(Organisation, root)
        a = add_org(s, "CB-A", parent=parent)
        b = add_org(s, "CB-B", parent=parent)
        sections = {
            r.number: r.id
            for r in s.execute(
                select(DraftSection.number, DraftSection.id).where(
                    DraftSection.draft_id == draft_id
                )
            )
        }
        ids: dict[str, int] = {}
        for org, items in (
            (a, [("I.1", "a-kq"), ("I.2", "a-hc"), ("Chung", "a-chung")]),
            (b, [("II", "b-ph"), ("III", "b-old")]),
        ):
            sub = Submission(draft_id=draft_id, org_id=org.id, submitted_on=date(2025, 3, 1))
            s.add(sub)
            s.flush()
            for number, label in items:
                c = Comment(
                    submission_id=sub.id,
                    section_id=sections[number],
                    section_number=number,
                    kind=CommentKind.BO_SUNG,
                    text=label,
                    text_key=norm_key(label),
                )
                s.add(c)
                s.flush()
                ids[label] = c.id
        s.add(
            Disposition(
                comment_id=ids["a-kq"], action=DispositionAction.TIEP_THU, text=None, handler="X"
            )
        )
    return ids


def test_a_draft_is_stored_with_chung_first_and_becomes_current(engine: Engine) -> None:
    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        result = import_draft(
            s,
            scope_id=root.id,
            parsed=parsed_of(("I", "Tình hình"), ("I.1", "Kết quả")),
            file_sha256="a" * 64,
            deadline=date(2025, 3, 15),
        )
    with read_session(engine) as s:
        rows = s.execute(
            select(DraftSection.number, DraftSection.position)
            .where(DraftSection.draft_id == result.draft_id)
            .order_by(DraftSection.position)
        ).all()
        draft = s.get(Draft, result.draft_id)
        assert draft is not None
        assert (draft.version, draft.is_current, draft.deadline) == (1, True, date(2025, 3, 15))
    assert [tuple(r) for r in rows] == [("Chung", 0), ("I", 1), ("I.1", 2)]


def test_a_new_version_relinks_comments_by_heading_then_number_and_lists_orphans(
    engine: Engine,
) -> None:
    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        root_id = root.id
        v1 = import_draft(
            s,
            scope_id=root_id,
            parsed=parsed_of(
                ("I", "Tình hình"),
                ("I.1", "Kết quả"),
                ("I.2", "Hạn chế"),
                ("II", "Phương hướng"),
                ("III", "Tổ chức thực hiện"),
            ),
            file_sha256="1" * 64,
            deadline=date(2025, 3, 15),
        )
    ids = seed_comments(engine, v1.draft_id)
    # v2: "Kết quả" moves to I.2 (found by its heading); "Hạn chế" becomes "Hạn chế, khuyết
    # điểm" at I.3 (no heading match: found by its old number I.2); II renamed; III removed.
    with write_session(engine) as s:
        v2 = import_draft(
            s,
            scope_id=root_id,
            parsed=parsed_of(
                ("I", "Tình hình"),
                ("I.1", "Bối cảnh"),
                ("I.2", "KẾT QUẢ"),
                ("I.3", "Hạn chế, khuyết điểm"),
                ("II", "Mục tiêu và phương hướng"),
            ),
            file_sha256="2" * 64,
        )
    assert v2.version == 2 and not v2.unchanged
    assert [(o.comment_id, o.org_code, o.section_number) for o in v2.orphans] == [
        (ids["b-old"], "CB-B", "III")
    ]
    with read_session(engine) as s:
        where = {c.text: c.section_number for c in s.scalars(select(Comment).order_by(Comment.id))}
        assert where == {
            "a-kq": "I.2",  # by heading text (case and punctuation aside)
            "a-hc": "I.2",  # heading changed: by number
            "a-chung": "Chung",
            "b-ph": "II",
            "b-old": "III",  # orphan keeps the number it was given
        }
        assert set(s.scalars(select(Submission.draft_id))) == {v2.draft_id}
        assert s.scalar(select(Disposition.comment_id)) == ids["a-kq"]
        current = s.execute(select(Draft.version, Draft.is_current).order_by(Draft.version)).all()
        assert [tuple(r) for r in current] == [(1, False), (2, True)]
        assert s.scalar(select(Draft.deadline).where(Draft.id == v2.draft_id)) == date(2025, 3, 15)
        section = s.scalar(select(Comment.section_id).where(Comment.id == ids["a-kq"]))
        assert (
            s.scalar(select(DraftSection.draft_id).where(DraftSection.id == section)) == v2.draft_id
        )
        assert orphan_comments(s, draft_id=v2.draft_id)[0].comment_id == ids["b-old"]


def test_the_same_file_again_is_a_no_op(engine: Engine) -> None:
    parsed = parsed_of(("I", "Tình hình"))
    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        first = import_draft(s, scope_id=root.id, parsed=parsed, file_sha256="f" * 64)
        again = import_draft(s, scope_id=root.id, parsed=parsed, file_sha256="f" * 64)
    assert again.unchanged and again.draft_id == first.draft_id
    with read_session(engine) as s:
        assert len(s.scalars(select(Draft.id)).all()) == 1


# --- command line -------------------------------------------------------------------------------


def save_draft(path: Path, *sections: tuple[str, str]) -> Path:
    d = docx.Document()
    d.add_paragraph("DỰ THẢO")
    for number, title in sections:
        level = number.count(".") + 1
        d.add_paragraph(f"{number.split('.')[-1]}. {title}", style=f"Heading {level}")
    d.save(str(path))
    return path


def test_draft_import_command_prints_the_orphans(engine: Engine, tmp_path: Path) -> None:
    with write_session(engine) as s:
        add_org(s, "DU", OrgKind.TREN_CO_SO)
    sections = [("I", "Tình hình"), ("I.1", "Kết quả"), ("I.2", "Hạn chế"), ("II", "Phương hướng")]
    first = save_draft(tmp_path / "v1.docx", *sections, ("III", "Tổ chức"))
    code, out = run_cli("draft", "import", str(first), "--deadline", "15/03/2025")
    assert code == 0, out
    assert "phiên bản 1" in out
    with read_session(engine) as s:
        draft_id = s.scalars(select(Draft.id)).one()
    seed_comments(engine, draft_id)
    second = save_draft(tmp_path / "v2.docx", *sections)
    code, out = run_cli("draft", "import", str(second))
    assert code == 0, out
    assert "phiên bản 2" in out
    assert "CB-B, mục cũ III" in out
    code, out = run_cli("draft", "import", str(second))
    assert code == 0 and "không có thay đổi" in out


def test_draft_import_command_rejects_duplicate_numbers_in_one_line(
    engine: Engine, tmp_path: Path
) -> None:
    with write_session(engine) as s:
        add_org(s, "DU", OrgKind.TREN_CO_SO)
    path = save_draft(tmp_path / "dup.docx", ("I", "Tình hình"), ("I", "Lặp lại"))
    code, out = run_cli("draft", "import", str(path))
    assert code == 1
    assert "Hai mục cùng số 'I'" in out
    with read_session(engine) as s:
        assert s.scalars(select(Draft.id)).all() == []


def test_parse_draft_reads_a_saved_file(tmp_path: Path) -> None:
    path = tmp_path / "d.docx"
    d = docx.Document()
    d.core_properties.title = "Dự thảo lần 2"
    d.add_paragraph("I. Tình hình", style="Heading 1")
    d.save(str(path))
    parsed = parse_draft(path)
    assert parsed.title == "Dự thảo lần 2"
    assert [s.number for s in parsed.sections] == ["I"]
