"""A draft whose headings use Word's Heading 1–3 styles without typed numbers is numbered from
its heading levels (I, 1, a), with a warning, instead of being refused."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from sqlalchemy import Engine, select

from models.db import read_session, write_session
from models.enums import OrgKind
from models.feedback import DraftSection
from tasks.intake.draft.parse import sections_of
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org

OUTLINE = [
    ("Đánh giá tình hình thực hiện Nghị quyết", "Heading 1"),
    ("Kết quả đạt được", "Heading 2"),
    ("Về chính trị, tư tưởng", "Heading 3"),
    ("Về tổ chức, cán bộ", "Heading 3"),
    ("Hạn chế, nguyên nhân", "Heading 2"),
    ("Phương hướng nhiệm kỳ 2025 – 2030", "Heading 1"),
    ("Mục tiêu", "Heading 2"),
    ("Nhiệm vụ, giải pháp", "Heading 3"),
]


def _draft(*headings: tuple[str, str]) -> docx.document.Document:
    d = docx.Document()
    d.add_paragraph("DỰ THẢO BÁO CÁO CHÍNH TRỊ")
    d.add_paragraph("Lời mở đầu: văn bản không thuộc mục nào.")
    for text, style in headings:
        d.add_paragraph(text, style=style)
        if not text.startswith("PHẦN"):  # a part's name is the line right under it
            d.add_paragraph("Nội dung của mục.")
    return d


def test_unnumbered_heading_styles_are_numbered_from_their_levels() -> None:
    parsed = sections_of(_draft(*OUTLINE))
    assert parsed.numbered_by_level
    assert [(s.number, s.title) for s in parsed.sections] == [
        ("I", "Đánh giá tình hình thực hiện Nghị quyết"),
        ("I.1", "Kết quả đạt được"),
        ("I.1.a", "Về chính trị, tư tưởng"),
        ("I.1.b", "Về tổ chức, cán bộ"),
        ("I.2", "Hạn chế, nguyên nhân"),
        ("II", "Phương hướng nhiệm kỳ 2025 – 2030"),
        ("II.1", "Mục tiêu"),
        ("II.1.a", "Nhiệm vụ, giải pháp"),
    ]
    assert [s.level for s in parsed.sections] == [1, 2, 3, 3, 2, 1, 2, 3]


def test_parts_restart_the_level_numbers() -> None:
    parsed = sections_of(
        _draft(
            ("PHẦN THỨ NHẤT", "Heading 1"),
            ("ĐÁNH GIÁ NHIỆM KỲ 2020 – 2025", "Heading 1"),
            ("Kết quả", "Heading 2"),
            ("Về kinh tế", "Heading 3"),
            ("PHẦN THỨ HAI", "Heading 1"),
            ("PHƯƠNG HƯỚNG NHIỆM KỲ 2025 – 2030", "Heading 1"),
            ("Mục tiêu", "Heading 2"),
        )
    )
    assert [s.number for s in parsed.sections] == ["P1", "P1.I", "P1.I.1", "P2", "P2.I"]
    assert parsed.sections[0].title == "ĐÁNH GIÁ NHIỆM KỲ 2020 – 2025"


def test_a_draft_with_typed_numbers_is_not_renumbered() -> None:
    parsed = sections_of(_draft(("I. Tình hình", "Heading 1"), ("KẾT LUẬN", "Heading 1")))
    assert not parsed.numbered_by_level
    assert [s.number for s in parsed.sections] == ["I"]
    assert parsed.unnumbered == ("KẾT LUẬN",)


@pytest.mark.db
def test_draft_import_numbers_an_unnumbered_draft_and_warns(engine: Engine, tmp_path: Path) -> None:
    with write_session(engine) as s:
        add_org(s, "DU", OrgKind.TREN_CO_SO)
    path = tmp_path / "du-thao.docx"
    _draft(*OUTLINE).save(str(path))
    code, out = run_cli("draft", "import", str(path))
    assert code == 0, out
    assert "Đã nhập dự thảo phiên bản 1 cho DU: 8 mục và mục 'Chung'" in out
    assert "Cảnh báo: các đề mục không ghi số: đã đánh số theo cấp đề mục" in out
    assert "hãy dùng kiểu Heading 1–3" not in out
    with read_session(engine) as s:
        stored = s.scalars(select(DraftSection.number).order_by(DraftSection.id)).all()
    assert stored == ["Chung", "I", "I.1", "I.1.a", "I.1.b", "I.2", "II", "II.1", "II.1.a"]
