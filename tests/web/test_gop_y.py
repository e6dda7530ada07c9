"""`/gop-y`: the drafting workspace — sections in order, groups with their units, a group's
disposition in one action landing on every comment of the group (audited, in the synthesis
report), the unanswered filter, roles both ways, comment text shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from models.db import read_session
from models.enums import CommentKind, DispositionAction
from models.feedback import Disposition
from models.records import AuditEvent
from tests.helpers.drafting import add_comments, add_sections
from tests.web.conftest import AS_OF, World

pytestmark = pytest.mark.db

SCRIPT = '<script>alert("x")</script> & "trích dẫn"'


@pytest.fixture
def comments(engine: Engine, world: World) -> dict[str, int]:
    """CB-A1 and CB-B say the same on I.1 (one group of two units); CB-A1 on II; CB-B a
    general comment with markup; an agreement that needs no answer."""
    ids = world.ids
    add_sections(engine, ids["DU-TEST"])
    made = add_comments(
        engine,
        ids["DU-TEST"],
        [
            (ids["CB-A1"], "I.1", CommentKind.BO_SUNG, "Bổ sung số liệu chuyển đổi số"),
            (ids["CB-B"], "I.1", CommentKind.BO_SUNG, "bổ sung số liệu chuyển đổi số."),
            (ids["CB-A1"], "II", CommentKind.SUA_DOI, "Sửa câu đầu đoạn 2"),
            (ids["CB-B"], "Chung", CommentKind.KHAC, SCRIPT),
            (ids["CB-A1"], "I", CommentKind.THONG_NHAT, "Thống nhất toàn văn"),
        ],
    )
    return dict(zip(("a1", "b1", "a2", "script", "agree"), made, strict=True))


def _dispositions(engine: Engine) -> dict[int, tuple[DispositionAction, str | None]]:
    with read_session(engine) as s:
        rows = s.execute(select(Disposition.comment_id, Disposition.action, Disposition.text))
        return {r.comment_id: (r.action, r.text) for r in rows}


def test_workspace_lists_sections_in_draft_order_with_groups_and_their_units(
    client_for: Callable[[str], TestClient], comments: dict[str, int]
) -> None:
    r = client_for("to-bien-tap").get("/gop-y")
    assert r.status_code == 200
    text = r.text
    assert "Có 02 đơn vị (Chi bộ Lê Quý Đôn; Chi bộ Trường B) đề nghị bổ sung:" in text
    assert "Chi bộ Lê Quý Đôn đề nghị sửa đổi:" in text
    heads = re.findall(r'<h2 id="muc-\d+">([^<]*)</h2>', text)
    assert heads == ["Ý kiến chung", "I.1. Kết quả", "II. Phương hướng"]
    assert "Thống nhất toàn văn" not in text  # an agreement needs no answer
    assert f'id="nhom-{comments["a1"]}"' in text and f'id="nhom-{comments["b1"]}"' not in text
    assert 'href="/bieu-mau/tiep-thu?org=DU-TEST"' in text


def test_answering_a_group_lands_on_every_comment_of_the_group_and_is_audited(
    client_for: Callable[[str], TestClient], comments: dict[str, int], engine: Engine
) -> None:
    client = client_for("to-bien-tap")
    group = comments["a1"]
    r = client.post(
        f"/gop-y/nhom/{group}",
        data={"action": "giai-trinh", "text": "Đã có ở mục I.2", "back": "chua-xu-ly=1"},
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/gop-y?chua-xu-ly=1&xong=nhom-{group}#nhom-{group}"
    answered = _dispositions(engine)
    assert answered == {
        comments["a1"]: (DispositionAction.GIAI_TRINH, "Đã có ở mục I.2"),
        comments["b1"]: (DispositionAction.GIAI_TRINH, "Đã có ở mục I.2"),
    }
    with read_session(engine) as s:
        events = s.execute(
            select(AuditEvent.actor, AuditEvent.source, AuditEvent.action, AuditEvent.after).where(
                AuditEvent.entity == "disposition"
            )
        ).all()
    assert {(e.actor, e.source, e.action.value) for e in events} == {
        ("bt.drafting", "web", "create")
    }
    assert sorted(e.after["comment_id"] for e in events) == sorted([comments["a1"], comments["b1"]])
    # the same group answered again, differently: an update of both, audited with its before
    client.post(f"/gop-y/nhom/{group}", data={"action": "tiep-thu", "text": ""})
    assert set(_dispositions(engine).values()) == {(DispositionAction.TIEP_THU, None)}
    page = client.get(f"/gop-y?xong=nhom-{group}").text
    assert "Đã lưu cách xử lý cho mọi ý kiến của nhóm." in page
    assert "Đã xử lý: Tiếp thu" in page


def test_an_explanation_without_its_text_is_refused_and_changes_nothing(
    client_for: Callable[[str], TestClient], comments: dict[str, int], engine: Engine
) -> None:
    client = client_for("van-phong")
    r = client.post(f"/gop-y/nhom/{comments['a2']}", data={"action": "giai-trinh", "text": " "})
    assert r.status_code == 400
    assert "Cần nội dung tiếp thu, giải trình khi hình thức xử lý là &#39;Giải trình&#39;" in r.text
    r = client.post(f"/gop-y/nhom/{comments['a2']}", data={"action": "bao-luu", "text": "x"})
    assert r.status_code == 400 and "Hình thức xử lý phải là một trong" in r.text
    assert _dispositions(engine) == {}


def test_a_comment_that_is_not_one_needing_an_answer_is_not_found(
    client_for: Callable[[str], TestClient], comments: dict[str, int], engine: Engine
) -> None:
    client = client_for("to-bien-tap")
    for target in (comments["agree"], 999_999):
        r = client.post(f"/gop-y/nhom/{target}", data={"action": "tiep-thu"})
        assert r.status_code == 404
    # the office narrowed to DB-A's subtree cannot answer CB-B's comment through it
    r = client_for("van-phong").post(
        f"/gop-y/nhom/{comments['b1']}?org=DB-A", data={"action": "tiep-thu"}
    )
    assert r.status_code == 404
    assert _dispositions(engine) == {}


def test_the_unanswered_filter_keeps_the_groups_still_waiting(
    client_for: Callable[[str], TestClient], comments: dict[str, int]
) -> None:
    client = client_for("to-bien-tap")
    client.post(f"/gop-y/nhom/{comments['a2']}", data={"action": "tiep-thu"})
    everything = client.get("/gop-y").text
    waiting = client.get("/gop-y?chua-xu-ly=1").text
    assert "Sửa câu đầu đoạn 2" in everything and "Sửa câu đầu đoạn 2" not in waiting
    assert "Bổ sung số liệu chuyển đổi số" in waiting
    assert "II. Phương hướng: 0 nhóm" not in waiting  # the table of contents follows the filter


def test_group_answers_reach_the_synthesis_report(
    client_for: Callable[[str], TestClient], comments: dict[str, int], tmp_path: Path
) -> None:
    from tasks.reports.api import render_report

    client_for("to-bien-tap").post(
        f"/gop-y/nhom/{comments['a1']}",
        data={"action": "tiep-thu-mot-phan", "text": "Bổ sung số liệu năm 2024"},
    )
    f = render_report(kind="feedback", scope=None, as_of=AS_OF, out_dir=tmp_path)[0]
    text = "\n".join(p.text for p in docx.Document(str(f.path)).paragraphs)
    lead = "Có 02 đơn vị (Chi bộ Lê Quý Đôn; Chi bộ Trường B) đề nghị bổ sung:"
    assert lead in text
    after = text[text.index(lead) :]
    assert "Tiếp thu một phần: Bổ sung số liệu năm 2024" in after
    assert "Chưa tiếp thu, giải trình" not in after[: after.index("Tiếp thu một phần")]


def test_comment_markup_shows_as_text(
    client_for: Callable[[str], TestClient], comments: dict[str, int]
) -> None:
    text = client_for("to-bien-tap").get("/gop-y").text
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;trích dẫn&#34;" in text
    # the unit whose name carries markup never injects it either
    assert not re.search(r"<img src=x", text)


@pytest.mark.parametrize(
    ("role", "page", "post"),
    [
        ("van-phong", 200, 303),
        ("lanh-dao", 403, 403),
        ("to-bien-tap", 200, 303),
        ("don-vi", 403, 403),
    ],
)
def test_dispositions_belong_to_the_office_and_the_drafting_team(
    client_for: Callable[[str], TestClient],
    comments: dict[str, int],
    engine: Engine,
    role: str,
    page: int,
    post: int,
) -> None:
    client = client_for(role)
    assert client.get("/gop-y").status_code == page
    r = client.post(f"/gop-y/nhom/{comments['a2']}", data={"action": "tiep-thu"})
    assert r.status_code == post
    assert bool(_dispositions(engine)) == (post == 303)
    for path in ("/gop-y/goi-y/1/nhan", "/gop-y/goi-y/1/bo-qua"):
        r = client.post(path, data={"sig": "0" * 64})
        assert r.status_code == (403 if post == 403 else 400)


def test_a_large_group_lists_its_first_comments_and_counts_the_rest(
    client_for: Callable[[str], TestClient], engine: Engine, world: World
) -> None:
    from flows.web.routes.gop_y import SHOWN_COMMENTS

    add_sections(engine, world.ids["DU-TEST"])
    units = ["CB-A1", "CB-A2", "CB-B", "DB-A"]
    made = add_comments(
        engine,
        world.ids["DU-TEST"],
        [
            (world.ids[units[i % 4]], "I.1", CommentKind.BO_SUNG, f"Bổ sung ý {'.' * (i // 4)}")
            for i in range(SHOWN_COMMENTS + 5)
        ],
    )
    text = client_for("to-bien-tap").get("/gop-y").text
    assert text.count("mã ý kiến ") == SHOWN_COMMENTS
    assert "… và 5 ý kiến khác cùng nhóm" in text
    assert f"Lưu cho cả nhóm ({SHOWN_COMMENTS + 5} ý kiến)" in text
    assert f'id="nhom-{made[0]}"' in text
