"""The report archive asked again: paths independent of the working directory, the archived
bytes copied into the folder asked for, a lost file made again only if it hashes to the
archived SHA-256 (else one line, the record kept), never a traceback."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from models.accounts import data_version
from models.db import read_session, write_session
from models.records import ReportArchive
from tests.helpers.cli import run_cli
from tests.helpers.reports_tree import AS_OF, build_tree

pytestmark = pytest.mark.db
DAY = AS_OF.isoformat()


@pytest.fixture
def tree(engine: Engine) -> dict[str, int]:
    with write_session(engine) as session:
        return build_tree(session)


def _report(out: Path | str, *extra: str) -> tuple[int, str]:
    return run_cli("report", "progress", "--as-of", DAY, "--out", str(out), *extra)


def _rows() -> list[tuple[str, str, int | None]]:
    with read_session() as s:
        stmt = select(ReportArchive.path, ReportArchive.sha256, ReportArchive.number)
        return [tuple(r) for r in s.execute(stmt.where(ReportArchive.kind == "progress"))]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_archived_paths_do_not_depend_on_the_working_directory(
    tree: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _report("rel")
    assert code == 0, out
    ((path, sha, _),) = _rows()
    assert Path(path).is_absolute() and Path(path) == (tmp_path / "rel").resolve() / Path(path).name
    assert _sha(Path(path)) == sha


def test_asking_again_with_another_out_copies_the_same_bytes_there(
    tree: dict[str, int], tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert _report(first, "--issue")[0] == 0
    code, out = _report(second, "--issue")
    assert code == 0, out
    (a,), (b,) = list(first.glob("*.docx")), list(second.glob("*.docx"))
    assert a.read_bytes() == b.read_bytes() and a.name == b.name
    assert str(b) in out and "đã có trong lưu trữ" in out
    assert len(_rows()) == 1  # one archived report, not a second issue


def test_a_lost_archived_file_is_made_again_with_its_number_and_hash(
    tree: dict[str, int], tmp_path: Path
) -> None:
    first, second = tmp_path / "gone", tmp_path / "new"
    assert _report(first, "--issue")[0] == 0
    ((_, sha, number),) = _rows()
    for f in first.iterdir():
        f.unlink()
    first.rmdir()
    code, out = _report(second, "--issue")
    assert code == 0, out
    assert "Traceback" not in out
    (made,) = second.glob("*.docx")
    assert _sha(made) == sha and made.name.endswith(f"_{number}.docx")
    assert _rows() == [(str(made), sha, number)]


def test_a_lost_file_that_renders_differently_is_said_in_one_line_and_the_record_kept(
    tree: dict[str, int], tmp_path: Path
) -> None:
    first, second = tmp_path / "gone", tmp_path / "new"
    assert _report(first, "--issue")[0] == 0
    recorded = "0" * 64  # what the archive holds no longer matches what renders now
    with write_session() as s:
        s.execute(update(ReportArchive).values(sha256=recorded))
    before = _rows()
    for f in first.iterdir():
        f.unlink()
    code, out = _report(second, "--issue")
    assert code == 1
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and "SHA-256" in lines[0] and "giữ nguyên bản ghi lưu trữ" in lines[0]
    assert "Traceback" not in out
    assert _rows() == before
    assert not list(second.glob("*.docx"))


def test_a_reused_draft_is_not_said_to_take_no_new_number(
    tree: dict[str, int], tmp_path: Path
) -> None:
    assert _report(tmp_path)[0] == 0
    code, out = _report(tmp_path)
    assert code == 0 and "(dự thảo) — đã có trong lưu trữ" in out
    assert "không cấp số mới" not in out


def test_archiving_reports_moves_no_data_version_so_cached_trends_stay(
    tree: dict[str, int], tmp_path: Path
) -> None:
    def version() -> int:
        with read_session() as s:
            return data_version(s)

    before = version()
    assert _report(tmp_path / "draft")[0] == 0  # a draft archived
    assert _report(tmp_path / "issued", "--issue")[0] == 0  # a number taken, issued
    assert _report(tmp_path / "elsewhere", "--issue")[0] == 0  # the same file copied
    assert len(_rows()) == 2 and version() == before  # the draft and the issued file
