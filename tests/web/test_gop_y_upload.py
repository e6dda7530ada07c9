"""The tiếp thu sheet from the workspace: downloaded (what `daihoi export tiep-thu` writes),
filled, sent back through the same importer; another form, or a sheet with an error, is
refused with every error located and nothing written."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from models.db import read_session
from models.enums import CommentKind, DispositionAction
from models.feedback import Disposition
from models.records import AuditEvent, IntakeRecord
from tasks.intake.exports.tiep_thu import COLUMNS, SHEET
from tests.helpers.drafting import add_comments, add_sections
from tests.web.conftest import World

pytestmark = pytest.mark.db
COL = {label: i + 1 for i, (label, _) in enumerate(COLUMNS)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def comments(engine: Engine, world: World) -> list[int]:
    ids = world.ids
    add_sections(engine, ids["DU-TEST"])
    return add_comments(
        engine,
        ids["DU-TEST"],
        [
            (ids["CB-A1"], "I.1", CommentKind.BO_SUNG, "Bổ sung số liệu chuyển đổi số"),
            (ids["CB-B"], "I.1", CommentKind.BO_SUNG, "bổ sung số liệu chuyển đổi số."),
            (ids["CB-A1"], "II", CommentKind.SUA_DOI, "Sửa câu đầu đoạn 2"),
        ],
    )


def _filled(sheet: bytes, answers: dict[int, tuple[str, str | None]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(sheet))
    ws = wb[SHEET]
    for row in ws.iter_rows(min_row=4):
        if row[0].value in answers:
            action, text = answers[row[0].value]
            row[COL["Hình thức xử lý"] - 1].value = action
            row[COL["Nội dung tiếp thu, giải trình"] - 1].value = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _dispositions(engine: Engine) -> dict[int, tuple[DispositionAction, str | None]]:
    with read_session(engine) as s:
        rows = s.execute(select(Disposition.comment_id, Disposition.action, Disposition.text))
        return {r.comment_id: (r.action, r.text) for r in rows}


def test_the_sheet_downloaded_filled_and_sent_back_answers_whole_groups(
    client_for: Callable[[str], TestClient], comments: list[int], engine: Engine
) -> None:
    client = client_for("to-bien-tap")
    sheet = client.get("/bieu-mau/tiep-thu?org=DU-TEST")
    assert sheet.status_code == 200
    body = _filled(sheet.content, {comments[0]: ("Giải trình", "Đã có ở mục I.2")})
    r = client.post("/gop-y/tai-len", files={"file": ("tiep-thu_DU-TEST.xlsx", body, XLSX)})
    assert r.status_code == 200, r.text
    assert "Đã nhận bảng tiếp thu, giải trình &#39;tiep-thu_DU-TEST.xlsx&#39;: 3 ý kiến" in r.text
    expected = (DispositionAction.GIAI_TRINH, "Đã có ở mục I.2")
    assert _dispositions(engine) == {comments[0]: expected, comments[1]: expected}
    with read_session(engine) as s:
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.entity == "disposition")))
        intake = s.execute(select(IntakeRecord.form, IntakeRecord.actor)).all()
    assert actors == {"bt.drafting"}
    assert [tuple(i) for i in intake] == [("tiep-thu", "bt.drafting")]
    again = client.post("/gop-y/tai-len", files={"file": ("lai.xlsx", body, XLSX)})
    assert again.status_code == 200 and "đã được nhập trước đây" in again.text


def test_a_sheet_with_an_error_is_refused_with_its_location_and_writes_nothing(
    client_for: Callable[[str], TestClient], comments: list[int], engine: Engine
) -> None:
    client = client_for("van-phong")
    sheet = client.get("/bieu-mau/tiep-thu?org=DU-TEST").content
    body = _filled(sheet, {comments[0]: ("Giải trình", None), comments[2]: ("Tiếp thu", None)})
    r = client.post("/gop-y/tai-len", files={"file": ("tt.xlsx", body, XLSX)})
    assert r.status_code == 400
    assert f"Sheet &#39;{SHEET}&#39;, dòng" in r.text and "bắt buộc khi hình thức xử lý" in r.text
    assert _dispositions(engine) == {}


def test_another_form_is_refused_before_its_importer_runs(
    client_for: Callable[[str], TestClient], comments: list[int], engine: Engine
) -> None:
    office = client_for("van-phong")
    other = office.get("/bieu-mau/don-vi?org=DU-TEST").content
    r = client_for("to-bien-tap").post("/gop-y/tai-len", files={"file": ("dv.xlsx", other, XLSX)})
    assert r.status_code == 400
    assert "không phải bảng tiếp thu, giải trình" in r.text
    with read_session(engine) as s:
        assert s.scalar(select(IntakeRecord.id)) is None


@pytest.mark.parametrize(("role", "status"), [("lanh-dao", 403), ("don-vi", 403)])
def test_only_the_office_and_the_drafting_team_send_the_sheet(
    client_for: Callable[[str], TestClient], comments: list[int], role: str, status: int
) -> None:
    r = client_for(role).post("/gop-y/tai-len", files={"file": ("x.xlsx", b"PK", XLSX)})
    assert r.status_code == status
