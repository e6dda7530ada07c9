"""The feedback synthesis after a unit is dissolved: no blank unit names, figures equal to
status's of the same day, the dissolved unit's comments under its last name on their own line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import CommentKind, OrgStatus
from tasks.reports.api import render_report
from tests.helpers.documents import body_text
from tests.helpers.factories import add_org
from tests.helpers.status import add_draft, add_submission, root_only, status

pytestmark = pytest.mark.db
AS_OF = date(2025, 3, 20)


def test_a_dissolved_units_comments_keep_its_name_and_are_counted_apart(
    engine: Engine, tmp_path: Path
) -> None:
    day = date(2025, 3, 1)
    with write_session(engine) as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 3, 10))
        u1 = add_org(s, "U1", parent=root, name="Chi bộ Còn Một")
        u2 = add_org(s, "U2", parent=root, name="Chi bộ Còn Hai")
        gone = add_org(s, "G1", parent=root, name="Chi bộ Đã Giải Thể")
        add_submission(s, draft, u1, day, [(CommentKind.BO_SUNG, True)])
        add_submission(
            s, draft, u2, day, [(CommentKind.BO_SUNG, False), (CommentKind.THONG_NHAT, False)]
        )
        add_submission(
            s, draft, gone, day, [(CommentKind.BO_SUNG, True), (CommentKind.BO_SUNG, False)]
        )
        gone.status = OrgStatus.DISSOLVED
    fb = status(AS_OF)["stages"]["feedback"]
    (made,) = render_report(kind="feedback", scope=None, as_of=AS_OF, out_dir=tmp_path)
    text = body_text(made.path)
    assert "; ;" not in text and "(; " not in text and " ;" not in text
    assert "Chi bộ Đã Giải Thể" in text
    assert f"đã có {fb['done']}/{fb['applicable']} đơn vị gửi ý kiến" in text
    assert f"Đã tiếp thu, giải trình {fb['answered']}/{fb['comments']} ý kiến" in text
    assert (fb["done"], fb["comments"], fb["answered"]) == (2, 2, 1)
    assert "với 3 ý kiến, trong đó 1 ý kiến thống nhất" in text
    assert (
        "Ngoài ra còn 2 ý kiến của đơn vị nay không còn hoạt động, không tính vào số liệu trên: "
        "Chi bộ Đã Giải Thể (2 ý kiến)." in text
    )
