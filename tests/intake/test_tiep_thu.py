"""Dispositions round trip: `daihoi export tiep-thu`, then the `tiep-thu` sheet imported back."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine, select

from models.db import read_session, write_session
from models.enums import AuditAction, CommentKind, DispositionAction, IntakeState
from models.feedback import Comment, Disposition, DraftSection, Submission
from models.queries import find_org
from models.records import AuditEvent
from tasks.core.text import norm_key
from tasks.intake.draft.parse import section_key
from tasks.intake.exports.tiep_thu import COLUMNS, SHEET, export_tiep_thu
from tests.helpers.cli import run_cli
from tests.helpers.feedback import add_draft, add_tree
from tests.helpers.intake import messages, run_import

pytestmark = pytest.mark.db

LABELS = [label for label, _ in COLUMNS]
COL = {label: i for i, label in enumerate(LABELS)}
ACTIONS = [a.label for a in DispositionAction]

# (unit, section, kind, text): CB-A and CB-B say the same thing on I.1 (one group of two
# units); a Thống nhất row needs no answer; DB-C's child speaks on II.1.a and in general.
COMMENTS = [
    ("CB-A", "I.1", CommentKind.BO_SUNG, "Bổ sung số liệu chuyển đổi số"),
    ("CB-B", "I.1", CommentKind.BO_SUNG, "bổ sung số liệu chuyển đổi số."),
    ("CB-A", "II", CommentKind.THONG_NHAT, "Thống nhất"),
    ("CB-B", "II.1.a", CommentKind.SUA_DOI, '=HYPERLINK("http://x")'),
    ("CB-C1", "Chung", CommentKind.KHAC, '-Góp ý chung <b> & "trích dẫn"\ndòng 2'),
    ("CB-C1", "I", CommentKind.LUOC_BO, "@Lược bỏ đoạn 3"),
    ("DB-C", "I.1", CommentKind.SUA_DOI, "+Sửa câu đầu"),
]


def add_comments(engine: Engine, ids: dict[str, int], draft_id: int) -> dict[str, int]:
    """COMMENTS as stored rows; returns text → comment id."""
    with write_session(engine) as s:
        sections = {
            section_key(r.number): (r.id, r.number)
            for r in s.execute(
                select(DraftSection.id, DraftSection.number).where(
                    DraftSection.draft_id == draft_id
                )
            )
        }
        subs: dict[str, int] = {}
        out: dict[str, int] = {}
        for unit, number, kind, text in COMMENTS:
            if unit not in subs:
                sub = Submission(draft_id=draft_id, org_id=ids[unit], submitted_on=date(2025, 3, 1))
                s.add(sub)
                s.flush()
                subs[unit] = sub.id
            sid, printed = sections[section_key(number)]
            c = Comment(
                submission_id=subs[unit],
                section_id=sid,
                section_number=printed,
                kind=kind,
                text=text,
                text_key=norm_key(text),
            )
            s.add(c)
            s.flush()
            out[text] = c.id
    return out


def export(engine: Engine, path: Path, org: str = "DU") -> list[list[Any]]:
    with read_session(engine) as s:
        export_tiep_thu(s, scope=find_org(s, code=org), out=path)
    ws = openpyxl.load_workbook(path)[SHEET]
    header = [c.value for c in ws[3]]
    assert header == LABELS
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4)]


def fill(
    src: Path, dst: Path, changes: dict[int, dict[str, Any]], *, drop_meta: bool = False
) -> Path:
    """Copy an exported workbook, setting cells by comment id and column label (and, as a
    hand-made sheet would be, without `_meta`)."""
    wb = openpyxl.load_workbook(src)
    if drop_meta:
        del wb["_meta"]
    ws = wb[SHEET]
    for row in ws.iter_rows(min_row=4):
        for label, value in changes.get(row[0].value, {}).items():
            cell = row[COL[label]]
            cell.value = value
            if isinstance(value, str) and value[:1] in "=+-@":
                cell.data_type = "s"
    wb.save(dst)
    return dst


@pytest.fixture
def setup(engine: Engine) -> dict[str, int]:
    ids = add_tree(engine)
    draft = add_draft(engine, ids["DU"])
    return add_comments(engine, ids, draft)


def test_export_lists_comments_needing_an_answer_in_section_order(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    rows = export(engine, tmp_path / "tt.xlsx")
    assert [(r[COL["Mục"]], r[COL["Nội dung góp ý"]]) for r in rows] == [
        ("Chung", '-Góp ý chung <b> & "trích dẫn"\ndòng 2'),
        ("I", "@Lược bỏ đoạn 3"),
        ("I.1", "Bổ sung số liệu chuyển đổi số"),
        ("I.1", "bổ sung số liệu chuyển đổi số."),
        ("I.1", "+Sửa câu đầu"),
        ("II.1.a", '=HYPERLINK("http://x")'),
    ]  # the Thống nhất comment is not there
    first, second = rows[2], rows[3]
    assert first[COL["Nhóm"]] == second[COL["Nhóm"]]
    assert (first[COL["Số đơn vị"]], rows[4][COL["Số đơn vị"]]) == (2, 1)
    assert first[COL["Đơn vị"]] == "Chi bộ CB-A"
    assert first[COL["Loại ý kiến"]] == "Bổ sung"


def test_export_writes_formula_like_text_as_text(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "tt.xlsx"
    export(engine, path)
    ws = openpyxl.load_workbook(path)[SHEET]
    cells = {c.value: c for row in ws.iter_rows(min_row=4) for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://x")', "+Sửa câu đầu", "@Lược bỏ đoạn 3"):
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    validations = ws.data_validations.dataValidation
    assert validations and validations[0].formula1 == '"' + ",".join(ACTIONS) + '"'


def test_export_for_a_unit_holds_only_its_subtree(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    rows = export(engine, tmp_path / "c.xlsx", org="DB-C")
    assert sorted(r[COL["Đơn vị"]] for r in rows) == ["Chi bộ CB-C1", "Chi bộ CB-C1", "Chi bộ DB-C"]


def test_a_disposition_on_one_row_applies_to_its_whole_group_with_audit(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    exported = tmp_path / "tt.xlsx"
    export(engine, exported)
    a = setup["Bổ sung số liệu chuyển đổi số"]
    b = setup["bổ sung số liệu chuyển đổi số."]
    filled = fill(
        exported,
        tmp_path / "filled.xlsx",
        {a: {"Hình thức xử lý": "tiếp thu", "Người xử lý": "Tổ biên tập"}},
    )
    outcome = run_import(filled, "DU")
    assert outcome.accepted, messages(outcome)
    with read_session(engine) as s:
        got = s.execute(
            select(
                Disposition.comment_id, Disposition.action, Disposition.text, Disposition.handler
            )
        ).all()
        audit = s.execute(select(AuditEvent.entity, AuditEvent.action, AuditEvent.after)).all()
    assert sorted(tuple(r) for r in got) == [
        (a, DispositionAction.TIEP_THU, None, "Tổ biên tập"),
        (b, DispositionAction.TIEP_THU, None, "Tổ biên tập"),
    ]
    assert sorted(e.after["comment_id"] for e in audit) == [a, b]
    assert {(e.entity, e.action) for e in audit} == {("disposition", AuditAction.CREATE)}
    # Changing it later is an update, audited with the state before.
    again = fill(
        exported,
        tmp_path / "again.xlsx",
        {b: {"Hình thức xử lý": "Giải trình", "Nội dung tiếp thu, giải trình": "Đã có ở mục II"}},
    )
    outcome = run_import(again, "DU")
    assert outcome.accepted, messages(outcome)
    with read_session(engine) as s:
        updates = s.execute(
            select(AuditEvent.before, AuditEvent.after).where(
                AuditEvent.action == AuditAction.UPDATE
            )
        ).all()
        versions = s.scalars(select(Disposition.version)).all()
    assert len(updates) == 2 and updates[0].before["action"] == "tiep-thu"
    assert updates[0].after["text"] == "Đã có ở mục II"
    assert versions == [2, 2]


def test_an_answer_is_required_unless_accepted_and_a_group_has_one_answer(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    exported = tmp_path / "tt.xlsx"
    export(engine, exported)
    a = setup["Bổ sung số liệu chuyển đổi số"]
    b = setup["bổ sung số liệu chuyển đổi số."]
    c = setup["+Sửa câu đầu"]
    filled = fill(
        exported,
        tmp_path / "bad.xlsx",
        {
            a: {"Hình thức xử lý": "Tiếp thu"},
            b: {"Hình thức xử lý": "Không tiếp thu", "Nội dung tiếp thu, giải trình": "Vì…"},
            c: {"Hình thức xử lý": "Giải trình"},
        },
    )
    outcome = run_import(filled, "DU")
    assert outcome.state is IntakeState.REJECTED
    text = messages(outcome)
    assert "cột 'Hình thức xử lý': 'Không tiếp thu' khác với dòng" in text
    assert (
        "cột 'Nội dung tiếp thu, giải trình': bắt buộc khi hình thức xử lý là 'Giải trình'" in text
    )
    with read_session(engine) as s:
        assert s.scalars(select(Disposition.id)).all() == []


def test_the_sender_cannot_answer_comments_outside_its_subtree(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    exported = tmp_path / "tt.xlsx"
    export(engine, exported)
    everyone = {cid: {"Hình thức xử lý": "Tiếp thu"} for cid in setup.values()}
    outcome = run_import(fill(exported, tmp_path / "f.xlsx", everyone), "DB-C")
    assert outcome.state is IntakeState.REJECTED  # exported for DU, sent back by DB-C
    assert "được tải cho đơn vị 'DU' nhưng được gửi từ đơn vị 'DB-C'" in messages(outcome)
    filled = fill(exported, tmp_path / "g.xlsx", everyone, drop_meta=True)
    outcome = run_import(filled, "DB-C")
    assert outcome.state is IntakeState.REJECTED
    text = messages(outcome)
    assert (
        f"'{setup['Bổ sung số liệu chuyển đổi số']}' là ý kiến của đơn vị không thuộc 'DB-C'"
        in text
    )
    assert f"'{setup['+Sửa câu đầu']}' là ý kiến" not in text  # DB-C's own comment is fine
    wb = openpyxl.load_workbook(filled)
    wb[SHEET].cell(row=4, column=1, value=999999)
    wb.save(tmp_path / "unknown.xlsx")
    outcome = run_import(tmp_path / "unknown.xlsx", "DU")
    assert "'999999' không phải mã ý kiến của dự thảo hiện hành" in messages(outcome)
    with read_session(engine) as s:
        assert s.scalars(select(Disposition.id)).all() == []


def test_importing_an_unchanged_export_changes_nothing(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    first = export(engine, tmp_path / "1.xlsx")
    outcome = run_import(tmp_path / "1.xlsx", "DU")
    assert outcome.accepted, messages(outcome)
    assert outcome.counts == {"created": 0, "updated": 0, "groups": 0, "unanswered": 6}
    assert export(engine, tmp_path / "2.xlsx") == first
    with read_session(engine) as s:
        assert (
            s.scalars(select(Comment.group_label).where(Comment.group_label.is_not(None))).all()
            == []
        )


texts = st.text(
    alphabet=st.sampled_from(list("abcxyz AĐƠƯăđơưạảấầậếệọộợụứừữỳỹ019<>&\"'=+-@,.;:\n")),
    min_size=1,
    max_size=30,
).filter(lambda t: t == t.strip() and t[:1] != "\n")
answers = st.one_of(
    st.none(),
    st.tuples(st.sampled_from(ACTIONS), st.one_of(st.none(), texts), st.one_of(st.none(), texts)),
)


@settings(max_examples=20)
@given(
    labels=st.lists(st.sampled_from(["", "G1", "Nhóm 2", "=G3"]), min_size=6, max_size=6),
    given_answers=st.lists(answers, min_size=6, max_size=6),
    spread=st.booleans(),
)
def test_generated_dispositions_round_trip_export_import_export(
    engine: Engine,
    setup: dict[str, int],
    tmp_path: Path,
    labels: list[str],
    given_answers: list[tuple[str, str | None, str | None] | None],
    spread: bool,
) -> None:
    before = export(engine, tmp_path / "before.xlsx")
    ids = [r[COL["Mã ý kiến"]] for r in before]
    default = {r[COL["Mã ý kiến"]]: r[COL["Nhóm"]] for r in before}
    # Rows keep their group unless given a label; the group's answer is the first given one.
    group = {cid: label or default[cid] for cid, label in zip(ids, labels, strict=True)}
    answer_of: dict[str, tuple[str, str | None, str | None]] = {}
    for cid, answer in zip(ids, given_answers, strict=True):
        if answer is not None:
            action, text, handler = answer
            if action != "Tiếp thu" and text is None:
                text = "Giải trình mặc định"
            answer_of.setdefault(norm_key(group[cid]), (action, text, handler))
    previous = {r[COL["Mã ý kiến"]]: r for r in before}

    def shown(cid: int) -> tuple[Any, ...]:
        return tuple(previous[cid][COL[c]] for c in LABELS[7:10])

    changes: dict[int, dict[str, Any]] = {}
    seen: set[str] = set()
    for cid in ids:
        key = norm_key(group[cid])
        row: dict[str, Any] = {"Nhóm": group[cid]}
        if key in answer_of:
            # The answer on its first row (or on every row); the group's other rows blank.
            carrier = spread or key not in seen
            row |= dict(zip(LABELS[7:10], answer_of[key] if carrier else (None,) * 3, strict=True))
        seen.add(key)
        changes[cid] = row
    filled = fill(tmp_path / "before.xlsx", tmp_path / "filled.xlsx", changes)
    outcome = run_import(filled, "DU")
    assert outcome.accepted, messages(outcome)
    after = {r[COL["Mã ý kiến"]]: r for r in export(engine, tmp_path / "after.xlsx")}
    for cid in ids:
        key = norm_key(group[cid])
        assert after[cid][COL["Nhóm"]] == group[cid]
        members = {c for c in ids if norm_key(group[c]) == key}
        units = {previous[c][COL["Đơn vị"]] for c in members}
        assert after[cid][COL["Số đơn vị"]] == len(units)
        got = tuple(after[cid][COL[c]] for c in LABELS[7:10])
        # A group left alone: the one answer its rows show reaches its blank rows; rows
        # showing different answers (groups merged by relabelling) keep their own.
        agreed = {shown(c) for c in members} - {(None, None, None)}
        expected = answer_of.get(key) or (agreed.pop() if len(agreed) == 1 else shown(cid))
        assert got == expected
    # And an unchanged export imports to the same export.
    outcome = run_import(tmp_path / "after.xlsx", "DU")
    assert outcome.accepted, messages(outcome)
    # (the same bytes as an earlier file are a reported no-op: no counts at all)
    assert outcome.counts.get("created", 0) == outcome.counts.get("updated", 0) == 0
    again = {r[COL["Mã ý kiến"]]: r for r in export(engine, tmp_path / "again.xlsx")}
    assert again == after


def test_export_tiep_thu_command_writes_the_workbook(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "ra" / "tiep-thu.xlsx"
    code, text = run_cli("export", "tiep-thu", "--org", "DB-C", "--out", str(out))
    assert code == 0, text
    assert "Đã ghi 3 ý kiến" in text
    assert openpyxl.load_workbook(out)[SHEET].max_row == 6  # title, blank, header, 3 rows
    code, text = run_cli("export", "tiep-thu", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and ".xlsx" in text


def test_export_tiep_thu_without_a_draft_says_so(engine: Engine, tmp_path: Path) -> None:
    add_tree(engine)
    code, text = run_cli("export", "tiep-thu", "--out", str(tmp_path / "t.xlsx"))
    assert code == 1
    assert "Chưa có dự thảo Báo cáo chính trị" in text


def _accept_label(engine: Engine, ids: list[int], label: str) -> None:
    """What accepting a suggestion stores: one team label on the comments of its groups."""
    with write_session(engine) as s:
        for c in s.scalars(select(Comment).where(Comment.id.in_(ids))):
            c.group_label = label


def _labels(engine: Engine, ids: list[int]) -> dict[int, str | None]:
    with read_session(engine) as s:
        rows = s.execute(select(Comment.id, Comment.group_label).where(Comment.id.in_(ids)))
        return {r.id: r.group_label for r in rows}


def _without_column(path: Path, label: str) -> Path:
    """The sheet as exported before it carried the column `label`."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.delete_cols(COL[label] + 1)
    wb.save(path)
    return path


@pytest.mark.parametrize("old_format", [False, True], ids=["hidden-column", "no-hidden-column"])
def test_a_sheet_exported_before_an_acceptance_keeps_the_accepted_label(
    engine: Engine, setup: dict[str, int], tmp_path: Path, old_format: bool
) -> None:
    exported = tmp_path / "tt.xlsx"
    export(engine, exported)  # before the team accepted anything: default groups
    merged = [setup["Bổ sung số liệu chuyển đổi số"], setup["+Sửa câu đầu"]]
    _accept_label(engine, merged, "Số liệu chuyển đổi số")
    filled = fill(
        exported,
        tmp_path / "filled.xlsx",
        {merged[1]: {"Hình thức xử lý": "Tiếp thu", "Người xử lý": "Tổ biên tập"}},
    )
    if old_format:
        _without_column(filled, "Nhóm khi xuất")
    outcome = run_import(filled, "DU")
    assert outcome.accepted, messages(outcome)
    assert _labels(engine, merged) == dict.fromkeys(merged, "Số liệu chuyển đổi số")
    with read_session(engine) as s:
        answered = s.scalars(select(Disposition.comment_id)).all()
    assert merged[1] in answered  # the sheet's answer is stored all the same


@pytest.mark.parametrize("old_format", [False, True], ids=["hidden-column", "no-hidden-column"])
def test_a_row_that_edits_its_group_changes_an_accepted_label(
    engine: Engine, setup: dict[str, int], tmp_path: Path, old_format: bool
) -> None:
    exported = tmp_path / "tt.xlsx"
    export(engine, exported)
    cid = setup["+Sửa câu đầu"]
    _accept_label(engine, [cid], "Số liệu chuyển đổi số")
    filled = fill(exported, tmp_path / "filled.xlsx", {cid: {"Nhóm": "Câu đầu mục I.1"}})
    if old_format:
        _without_column(filled, "Nhóm khi xuất")
    outcome = run_import(filled, "DU")
    assert outcome.accepted, messages(outcome)
    assert _labels(engine, [cid]) == {cid: "Câu đầu mục I.1"}


def test_a_sheet_exported_after_an_acceptance_keeps_a_later_one(
    engine: Engine, setup: dict[str, int], tmp_path: Path
) -> None:
    cid = setup["+Sửa câu đầu"]
    _accept_label(engine, [cid], "Nhóm A")
    exported = tmp_path / "tt.xlsx"
    rows = export(engine, exported)
    assert {r[COL["Nhóm"]] for r in rows if r[0] == cid} == {"Nhóm A"}
    assert {r[COL["Nhóm khi xuất"]] for r in rows if r[0] == cid} == {"Nhóm A"}
    hidden = openpyxl.load_workbook(exported)[SHEET].column_dimensions
    assert hidden[get_column_letter(COL["Nhóm khi xuất"] + 1)].hidden
    _accept_label(engine, [cid], "Nhóm B")
    outcome = run_import(fill(exported, tmp_path / "filled.xlsx", {}), "DU")
    assert outcome.accepted, messages(outcome)
    assert _labels(engine, [cid]) == {cid: "Nhóm B"}
