"""Near-duplicate suggestions: the rule on hand-made near-duplicates and non-duplicates, the
union-find over chains, and in the workspace: suggested, nothing merged until accepted,
accepted groups share one label (the sheet, the page and the synthesis report group them),
dismissed ones remembered, computed once per section until a comment of it changes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from models.db import read_session
from models.drafting import SuggestionDismissal
from models.enums import CommentKind
from models.feedback import Comment, Disposition
from models.queries import find_org
from models.records import AuditEvent
from tasks.intake.drafting.near import components, near_duplicates, normalise
from tasks.intake.exports.tiep_thu import tiep_thu_rows
from tests.helpers.drafting import add_comments, add_sections
from tests.web.conftest import AS_OF, World

SAME = "Bổ sung số liệu về chuyển đổi số năm 2024"
NEAR = "Đề nghị: bổ sung số liệu về chuyển đổi số năm 2024!"
OTHER = "Lược bỏ đoạn 3 của mục II"


@pytest.mark.parametrize(
    "variant",
    [
        "Đề nghị bổ sung số liệu về chuyển đổi số năm 2024",  # the leading "đề nghị"
        "ĐỀ NGHỊ: Bổ sung số liệu (về) chuyển đổi số, năm 2024.",  # case and punctuation
        unicodedata.normalize("NFD", "đề nghị bổ sung số liệu về chuyển đổi số năm 2024"),
        "Bổ sung số liệu chuyển đổi số của năm 2024",  # a word changed: ratio ≈ 96
        "bổ sung số liệu",  # a subset of the words: token_set_ratio 100
    ],
)
def test_near_duplicates_by_the_rule(variant: str) -> None:
    assert near_duplicates(SAME, variant)
    assert near_duplicates(variant, SAME)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (SAME, OTHER),
        ("Bổ sung chỉ tiêu kết nạp đảng viên mới", "Bổ sung chỉ tiêu phát triển kinh tế tư nhân"),
        ("Đề nghị.", "Đề nghị!"),  # nothing left to compare after the prefix
        ("đề nghị bổ sung", "đề nghị lược bỏ"),
    ],
)
def test_different_points_are_not_near_duplicates(a: str, b: str) -> None:
    assert not near_duplicates(a, b)


def test_only_a_leading_de_nghi_is_dropped() -> None:
    assert normalise("Đề nghị: sửa “đề nghị” thành kiến nghị") == "sửa đề nghị thành kiến nghị"
    assert normalise("Đềnghị bổ sung") == "đềnghị bổ sung"


def test_union_find_joins_a_chain_into_one_suggestion() -> None:
    a = "Sinh hoạt chi bộ định kỳ"
    b = "sinh hoạt chi bộ định kỳ hằng tháng ở vùng sâu"
    c = "hằng tháng ở vùng sâu, vùng xa"
    assert near_duplicates(a, b) and near_duplicates(b, c) and not near_duplicates(a, c)
    assert components([a, OTHER, b, c, SAME.upper(), SAME]) == [[0, 2, 3], [4, 5]]


_WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ", min_size=1, max_size=7)


@given(words=st.lists(_WORD, min_size=1, max_size=8), punct=st.sampled_from(list(".,;:!?…\"'()-")))
def test_a_text_and_its_rewritten_forms_normalise_alike(words: list[str], punct: str) -> None:
    text = " ".join(words)
    for variant in (
        unicodedata.normalize("NFD", text),
        text.upper(),
        f"Đề nghị{punct} {text}{punct}",
        text.replace(" ", f"{punct} "),
    ):
        assert normalise(variant) == normalise(text).strip() or near_duplicates(variant, text)
    assert normalise(normalise(text)) == normalise(text)


# --- the workspace ----------------------------------------------------------------------


@pytest.fixture
def near(engine: Engine, world: World) -> dict[str, int]:
    """On I.1: CB-A1 and CB-B make one point in different words (two default groups), CB-A2
    says something else; CB-A1 the same words on II (another section: never suggested)."""
    ids = world.ids
    add_sections(engine, ids["DU-TEST"])
    made = add_comments(
        engine,
        ids["DU-TEST"],
        [
            (ids["CB-A1"], "I.1", CommentKind.BO_SUNG, SAME),
            (ids["CB-B"], "I.1", CommentKind.BO_SUNG, NEAR),
            (ids["CB-A2"], "I.1", CommentKind.LUOC_BO, OTHER),
            (ids["CB-A1"], "II", CommentKind.BO_SUNG, SAME),
        ],
    )
    return dict(zip(("a1", "b1", "other", "elsewhere"), made, strict=True))


def _labels(engine: Engine) -> dict[int, str | None]:
    with read_session(engine) as s:
        return dict(s.execute(select(Comment.id, Comment.group_label)).all())  # type: ignore[arg-type]


def _signature(page: str) -> str:
    return page.split('name="sig" value="', 1)[1].split('"', 1)[0]


def _section(page: str) -> str:
    return page.split('action="/gop-y/goi-y/', 1)[1].split("/", 1)[0]


@pytest.mark.db
def test_near_duplicates_are_suggested_and_nothing_is_merged_until_accepted(
    client_for: Callable[[str], TestClient], near: dict[str, int], engine: Engine, tmp_path: Path
) -> None:
    client = client_for("to-bien-tap")
    page = client.get("/gop-y").text
    assert page.count("Gợi ý gộp:") == 1
    assert "Gợi ý gộp: 2 nhóm có nội dung gần trùng nhau (2 ý kiến)" in page
    assert set(_labels(engine).values()) == {None}
    r = client.post(
        f"/gop-y/goi-y/{_section(page)}/nhan", data={"sig": _signature(page), "label": ""}
    )
    assert r.status_code == 303
    labels = _labels(engine)
    assert labels[near["a1"]] == labels[near["b1"]] == SAME
    assert labels[near["other"]] is None and labels[near["elsewhere"]] is None
    page = client.get("/gop-y").text
    assert "Gợi ý gộp:" not in page
    assert "Có 02 đơn vị (Chi bộ Lê Quý Đôn; Chi bộ Trường B) đề nghị bổ sung:" in page
    with read_session(engine) as s:
        audited = s.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.entity == "comment", AuditEvent.actor == "bt.drafting"
            )
        ).all()
        rows = tiep_thu_rows(s, scope=find_org(s, code="DU-TEST"), draft_id=_draft(s))
    assert sorted(audited) == sorted([near["a1"], near["b1"]])
    merged = [r for r in rows if r.comment_id in (near["a1"], near["b1"])]
    assert {(r.group, r.units_in_group) for r in merged} == {(SAME, 2)}
    # one answer for the accepted group lands on both comments, and the report groups them
    client.post(f"/gop-y/nhom/{near['a1']}", data={"action": "tiep-thu", "text": ""})
    with read_session(engine) as s:
        answered = set(s.scalars(select(Disposition.comment_id)))
    assert answered == {near["a1"], near["b1"]}
    from tasks.reports.api import render_report

    f = render_report(kind="feedback", scope=None, as_of=AS_OF, out_dir=tmp_path)[0]
    text = "\n".join(p.text for p in docx.Document(str(f.path)).paragraphs)
    assert text.count("Có 02 đơn vị (Chi bộ Lê Quý Đôn; Chi bộ Trường B) đề nghị bổ sung:") == 1
    assert NEAR not in text  # the group speaks with its label, once


def _draft(session: object) -> int:
    from models.feedback import Draft

    return int(session.scalar(select(Draft.id).where(Draft.is_current.is_(True))))  # type: ignore[attr-defined]


@pytest.mark.db
def test_a_dismissed_suggestion_is_remembered_and_merges_nothing(
    client_for: Callable[[str], TestClient], near: dict[str, int], engine: Engine, world: World
) -> None:
    client = client_for("van-phong")
    page = client.get("/gop-y").text
    sig, section = _signature(page), _section(page)
    r = client.post(f"/gop-y/goi-y/{section}/bo-qua", data={"sig": sig})
    assert r.status_code == 303
    assert "Gợi ý gộp:" not in client.get("/gop-y").text
    assert set(_labels(engine).values()) == {None}
    with read_session(engine) as s:
        kept = s.execute(
            select(SuggestionDismissal.signature, SuggestionDismissal.dismissed_by)
        ).all()
        events = s.scalars(
            select(AuditEvent.entity).where(AuditEvent.entity == "suggestion_dismissal")
        ).all()
    assert [tuple(k) for k in kept] == [(sig, "vp.office")] and events == ["suggestion_dismissal"]
    # dismissing again changes nothing; a new near-duplicate makes a new suggestion
    client.post(f"/gop-y/goi-y/{section}/bo-qua", data={"sig": sig})
    add_comments(
        engine,
        world.ids["DU-TEST"],
        [
            (
                world.ids["CB-A2"],
                "I.1",
                CommentKind.BO_SUNG,
                "bổ sung số liệu chuyển đổi số năm 2024",
            )
        ],
    )
    page = client.get("/gop-y").text
    assert "Gợi ý gộp: 3 nhóm có nội dung gần trùng nhau (3 ý kiến)" in page
    assert _signature(page) != sig


@pytest.mark.db
def test_suggestions_are_computed_once_per_section_until_a_comment_changes(
    client_for: Callable[[str], TestClient], near: dict[str, int], engine: Engine, world: World, app
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("to-bien-tap")
    client.get("/gop-y")
    first = app.state.suggestions.computed
    assert first >= 1
    client.get("/gop-y")
    client.get("/gop-y?chua-xu-ly=1")
    assert app.state.suggestions.computed == first
    add_comments(
        engine, world.ids["DU-TEST"], [(world.ids["CB-B"], "I.1", CommentKind.KHAC, "Ý kiến mới")]
    )
    client.get("/gop-y")
    assert app.state.suggestions.computed == first + 1


@pytest.mark.db
def test_a_suggestion_that_is_gone_is_refused_and_changes_nothing(
    client_for: Callable[[str], TestClient], near: dict[str, int], engine: Engine
) -> None:
    client = client_for("to-bien-tap")
    section = _section(client.get("/gop-y").text)
    r = client.post(f"/gop-y/goi-y/{section}/nhan", data={"sig": "f" * 64, "label": "x"})
    assert r.status_code == 400
    assert "Gợi ý này không còn" in r.text
    assert set(_labels(engine).values()) == {None}
