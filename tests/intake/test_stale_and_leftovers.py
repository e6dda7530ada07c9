"""A stale form is still validated, with every error in the one error workbook and a message
saying what changed and that --force sends it (FORMS.md rule 9, RELIABILITY.md C4); the issue-16
leftovers: --so-van-ban where it does not apply warns; OS errors read in Vietnamese."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from models.db import read_session
from models.enums import IntakeState
from models.queries import find_org
from models.settings import get_settings
from tasks.intake.exports.forms import write_form
from tasks.intake.pipeline.limits import FileRefused, check_file
from tasks.intake.receive import ImportOptions, import_file
from tasks.intake.stale import STALE_MESSAGE
from tests.helpers.cli import run_cli
from tests.helpers.workbooks import counts, fill_form, nhan_su_book, person, seed_tree

pytestmark = pytest.mark.db


def test_a_stale_form_is_validated_and_every_error_is_in_the_one_error_workbook(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    with read_session() as s:
        form = write_form(s, form="nhan-su", org=find_org(s, code="CB-A"), out=tmp_path / "f.xlsx")
    fill_form(
        form.path,
        "Nhân sự",
        [person(**{"Ngày sinh": "31/02/1970"}), person(**{"Họ và tên": "B", "Giới tính": "?"})],
    )
    newer = import_file(nhan_su_book(tmp_path / "moi.xlsx", [person()]), ImportOptions("CB-A"))
    assert newer.state is IntakeState.ACCEPTED
    before = counts()

    stale = import_file(form.path, ImportOptions("CB-A"))

    assert stale.state is IntakeState.REJECTED and counts() == before
    texts = [i.text() for i in stale.errors]
    assert len(texts) == 3  # the staleness and both bad cells
    why = next(t for t in texts if t.startswith(STALE_MESSAGE))
    assert f"lần nhận số {newer.intake_id}" in why and "'moi.xlsx'" in why and "--force" in why
    assert any("31/02/1970" in t for t in texts) and any("'?'" in t for t in texts)
    assert stale.message is not None and "--force" in stale.message
    assert stale.error_workbook is not None
    listed = [
        row[6]
        for row in openpyxl.load_workbook(stale.error_workbook)["Lỗi"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert len(listed) == 3 and any(str(x).startswith(STALE_MESSAGE) for x in listed)


def test_so_van_ban_on_a_form_without_a_letter_warns(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "ns.xlsx", [person()])

    code, out = run_cli("import", str(path), "--org", "CB-A", "--so-van-ban", "12-CV/CB")

    assert code == 0, out
    assert "--so-van-ban" in out and "chỉ dùng cho biểu mẫu góp ý" in out


def test_a_file_that_cannot_be_read_is_refused_in_vietnamese(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    folder = tmp_path / "thu-muc.xlsx"
    folder.mkdir()

    outcome = import_file(folder, ImportOptions("CB-A"))
    with pytest.raises(FileRefused) as refused:
        check_file(folder, get_settings().limits)

    assert outcome.state is IntakeState.REJECTED
    assert outcome.message == f"Không đọc được tệp 'thu-muc.xlsx': '{folder}' là một thư mục"
    assert refused.value.message == f"Không đọc được tệp 'thu-muc.xlsx': '{folder}' là một thư mục"
    assert "directory" not in (outcome.message or "") + refused.value.message
