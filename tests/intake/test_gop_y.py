"""`gop-y` (FORMS.md §4): comments on the current draft, letter number and date, re-import rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from models.db import read_session, write_session
from models.enums import AuditAction, CommentKind, DispositionAction, IntakeState
from models.feedback import Comment, Disposition, Submission
from models.records import AuditEvent
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.cli import run_cli
from tests.helpers.feedback import add_draft, add_tree
from tests.helpers.intake import RECEIVED, messages, nfd, run_import, write_book

pytestmark = pytest.mark.db

HEADER = ["Mục", "Loại ý kiến", "Nội dung góp ý"]


def comments_of(engine: Engine, org_id: int) -> list[tuple[str, str, str]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(Comment.section_number, Comment.kind, Comment.text)
            .join(Submission, Submission.id == Comment.submission_id)
            .where(Submission.org_id == org_id)
            .order_by(Comment.id)
        ).all()
    return [(r.section_number, CommentKind(r.kind).label, r.text) for r in rows]


def gop_y(path: Path, *rows: Sequence[Any], top: Sequence[Sequence[Any]] = ()) -> Path:
    return write_book(path, "Góp ý", [*top, HEADER, *rows])


# --- tests ---------------------------------------------------------------------------------------


def test_a_messy_but_valid_gop_y_workbook_imports_exactly_its_comments(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    tricky = 'Đề nghị thay "<chỉ tiêu>" & bổ sung\ndòng thứ hai'
    rows: list[list[Any]] = [
        ["CHI BỘ A", None, None, None],  # title, merged A1:D1
        ["GÓP Ý DỰ THẢO BÁO CÁO CHÍNH TRỊ", None, None, None],
        ["Số văn bản:", None, "  12-CV/CB  ", None],  # the value is the next non-empty cell
        ["Ngày:", datetime(2025, 3, 15), None, None],  # an Excel date
        [None, None, None, None],
        ["Nội dung góp ý", "Ghi chú thêm", "Loại ý kiến (*)", "Mục (*)\nví dụ: I.1"],
        [nfd("Bổ sung nội dung về chuyển đổi số  "), None, "bổ sung", " i.1 "],
        [None, None, None, None],  # blank row
        [tricky, None, "Sửa đổi", "II.1.a"],
        ["Thống nhất với mục này", None, "THỐNG NHẤT", "ii"],
        ["Cần làm rõ", None, "Khác", "I.2"],  # A11:A12 merged text, D11:D12 merged section
        [None, None, "Lược bỏ", None],
        ["Góp ý chung", None, "Khác", "chung"],
        [None, None, None, None],
        [None, "Người lập biểu", None, None],  # signature block below the data
    ]
    path = write_book(
        tmp_path / "gop-y.xlsx",
        "Góp ý",
        rows,
        merges=["A1:D1", "A2:D2", "A11:A12", "D11:D12"],
        formats={"B4": "dd/mm/yyyy"},
    )
    outcome = run_import(path, "CB-A")
    assert outcome.state is IntakeState.ACCEPTED, messages(outcome)
    assert comments_of(engine, ids["CB-A"]) == [
        ("I.1", "Bổ sung", "Bổ sung nội dung về chuyển đổi số"),
        ("II.1.a", "Sửa đổi", tricky),
        ("II", "Thống nhất", "Thống nhất với mục này"),
        ("I.2", "Khác", "Cần làm rõ"),
        ("I.2", "Lược bỏ", "Cần làm rõ"),
        ("Chung", "Khác", "Góp ý chung"),
    ]
    with read_session(engine) as s:
        sub = s.scalars(select(Submission)).one()
        assert (sub.letter_number, sub.submitted_on) == ("12-CV/CB", date(2025, 3, 15))
        assert not sub.date_from_receipt and not sub.no_comments
    assert "Ghi chú thêm" in messages(outcome)  # an unknown column is a warning


def test_the_letter_comes_from_the_command_line_then_meta_then_cells(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    top = [["Số văn bản:", "3-CV/CB"], ["Ngày:", "01/03/2025"]]
    row = ["I", "Bổ sung", "Một ý"]
    meta = {"so_van_ban": "7-CV/CB", "ngay": "07/03/2025"}

    def letter(org: str) -> tuple[str | None, date]:
        with read_session(engine) as s:
            sub = s.execute(
                select(Submission.letter_number, Submission.submitted_on).where(
                    Submission.org_id == ids[org]
                )
            ).one()
        return sub.letter_number, sub.submitted_on

    cells_only = write_book(tmp_path / "a.xlsx", "Góp ý", [*top, HEADER, row])
    assert run_import(cells_only, "CB-A").accepted
    assert letter("CB-A") == ("3-CV/CB", date(2025, 3, 1))  # text date above the header

    with_meta = write_book(tmp_path / "b.xlsx", "Góp ý", [*top, HEADER, row], meta=meta)
    assert run_import(with_meta, "CB-B").accepted
    assert letter("CB-B") == ("7-CV/CB", date(2025, 3, 7))

    # DB-C's own file (the same bytes as CB-A's would be refused as sent for CB-A).
    own = write_book(tmp_path / "c.xlsx", "Góp ý", [*top, HEADER, ["I", "Bổ sung", "Ý khác"]])
    outcome = run_import(own, "DB-C", letter_number="9-CV/ĐU", letter_date=date(2025, 3, 9))
    assert outcome.accepted, messages(outcome)
    assert letter("DB-C") == ("9-CV/ĐU", date(2025, 3, 9))  # the command line beats the cells


def test_a_command_line_letter_that_contradicts_meta_rejects_the_file(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    meta = {"so_van_ban": "7-CV/CB", "ngay": "07/03/2025"}
    book = write_book(tmp_path / "m.xlsx", "Góp ý", [HEADER, ["I", "Bổ sung", "Một ý"]], meta=meta)
    outcome = run_import(book, "CB-A", letter_number="9-CV/CB", letter_date=date(2025, 3, 9))
    assert not outcome.accepted
    text = messages(outcome)
    assert "--so-van-ban '9-CV/CB'" in text and "--ngay 09/03/2025" in text
    agreeing = run_import(book, "CB-A", letter_number="7-CV/CB")
    assert agreeing.accepted, messages(agreeing)


def test_without_a_date_the_receipt_date_is_stored_once_with_a_warning(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    first = run_import(gop_y(tmp_path / "1.xlsx", ["I", "Bổ sung", "Ý một"]), "CB-A")
    assert first.accepted
    assert "lấy ngày nhận tệp 20/03/2025" in messages(first)
    later = gop_y(tmp_path / "2.xlsx", ["I", "Bổ sung", "Ý hai"])
    outcome = import_file(later, ImportOptions(sender_code="CB-A", received_on=date(2025, 4, 2)))
    assert outcome.accepted
    with read_session(engine) as s:
        sub = s.scalars(select(Submission)).one()
        assert (sub.submitted_on, sub.date_from_receipt) == (RECEIVED, True)


def test_a_sheet_with_only_the_header_counts_as_a_no_comments_submission(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    path = gop_y(tmp_path / "none.xlsx", top=[["Số văn bản:", "5-CV/CB"], ["Ngày:", "10/03/2025"]])
    outcome = run_import(path, "CB-B")
    assert outcome.accepted, messages(outcome)
    with read_session(engine) as s:
        sub = s.scalars(select(Submission)).one()
        assert (sub.org_id, sub.no_comments, sub.submitted_on) == (
            ids["CB-B"],
            True,
            date(2025, 3, 10),
        )
        assert s.scalars(select(Comment.id)).all() == []


def test_an_unknown_section_is_an_error_listing_the_drafts_sections(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    path = gop_y(tmp_path / "x.xlsx", ["I", "Bổ sung", "Đúng"], ["III.4", "Sửa đổi", "Sai mục"])
    outcome = run_import(path, "CB-A")
    assert outcome.state is IntakeState.REJECTED
    text = messages(outcome)
    assert (
        "'III.4' không phải mục của dự thảo; các mục: Chung, I, I.1, I.2, II, II.1, II.1.a" in text
    )
    assert "dòng 3" in text
    with read_session(engine) as s:
        assert s.scalars(select(Submission.id)).all() == []


def test_gop_y_before_any_draft_is_an_error(engine: Engine, tmp_path: Path) -> None:
    add_tree(engine)
    outcome = run_import(gop_y(tmp_path / "x.xlsx", ["I", "Bổ sung", "Ý"]), "CB-A")
    assert outcome.state is IntakeState.REJECTED
    assert "chưa có dự thảo" in messages(outcome)


def test_reimport_keeps_unchanged_comments_and_warns_about_replaced_answers(
    engine: Engine, tmp_path: Path
) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    first = gop_y(
        tmp_path / "1.xlsx",
        ["I.1", "Bổ sung", "Giữ nguyên"],
        ["I.2", "Sửa đổi", "Sẽ bị thay"],
        ["II", "Khác", "Không có trả lời"],
    )
    assert run_import(first, "CB-A").accepted
    with write_session(engine) as s:
        by_text = {c.text: c.id for c in s.scalars(select(Comment))}
        for text in ("Giữ nguyên", "Sẽ bị thay"):
            s.add(
                Disposition(
                    comment_id=by_text[text],
                    action=DispositionAction.GIAI_TRINH,
                    text="Đã giải trình",
                )
            )
    second = gop_y(
        tmp_path / "2.xlsx",
        ["i.1", "bổ sung", "  giữ nguyên. "],  # same section, kind and normalised text
        ["I.2", "Sửa đổi", "Nội dung mới"],
    )
    outcome = run_import(second, "CB-A")
    assert outcome.accepted, messages(outcome)
    assert f"{by_text['Sẽ bị thay']} (mục I.2)" in messages(outcome)
    with read_session(engine) as s:
        kept = s.execute(select(Comment.id, Comment.text).order_by(Comment.id)).all()
        assert kept[0] == (by_text["Giữ nguyên"], "giữ nguyên.")
        assert [r.text for r in kept] == ["giữ nguyên.", "Nội dung mới"]
        assert s.scalars(select(Disposition.comment_id)).all() == [by_text["Giữ nguyên"]]
        audit = s.execute(select(AuditEvent.entity, AuditEvent.action, AuditEvent.before)).all()
        assert [(a.entity, a.action) for a in audit] == [("disposition", AuditAction.DELETE)]
        assert audit[0].before["comment_id"] == by_text["Sẽ bị thay"]


def test_a_unit_comments_on_its_nearest_ancestors_draft(engine: Engine, tmp_path: Path) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    own = add_draft(engine, ids["DB-C"])
    assert run_import(gop_y(tmp_path / "c1.xlsx", ["I", "Bổ sung", "Cho DB-C"]), "CB-C1").accepted
    assert run_import(gop_y(tmp_path / "c.xlsx", ["I", "Bổ sung", "Cho DU"]), "DB-C").accepted
    with read_session(engine) as s:
        drafts = dict(s.execute(select(Submission.org_id, Submission.draft_id)).all())
    assert drafts[ids["CB-C1"]] == own
    assert drafts[ids["DB-C"]] != own


def test_import_command_passes_the_letter_number_and_date(engine: Engine, tmp_path: Path) -> None:
    ids = add_tree(engine)
    add_draft(engine, ids["DU"])
    path = gop_y(tmp_path / "g.xlsx", ["I.2", "Sửa đổi", "Một ý"])
    code, text = run_cli(
        "import", str(path), "--org", "CB-A", "--so-van-ban", "12-CV/CB", "--ngay", "15/03/2025"
    )
    assert code == 0, text
    with read_session(engine) as s:
        sub = s.scalars(select(Submission)).one()
        assert (sub.letter_number, sub.submitted_on) == ("12-CV/CB", date(2025, 3, 15))
