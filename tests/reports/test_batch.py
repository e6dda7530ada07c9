"""Per-unit personnel lists in one batch: the same files and archive rows as one by one, only
changed units rendered again, each list holding its own unit only, SQL that does not grow with
the number of units."""

from __future__ import annotations

import html
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from models import Candidate, CandidateStep, Organisation
from models.db import read_session, write_session
from models.enums import Gender, OrgKind, OrgStatus, Post
from models.queries import UnknownOrganisation
from models.records import ReportArchive
from tasks.core.errors import UserError
from tasks.core.plans import sync_plans
from tasks.reports.api import render_report, render_unit_reports
from tasks.reports.kinds import personnel
from tests.helpers.archive import archive_rows, counting
from tests.helpers.factories import add_org
from tests.helpers.reports_tree import tree_candidate

pytestmark = pytest.mark.db

AS_OF = date(2025, 5, 20)
# Two units in different branches, so the batch's common scope is the root; two people with
# the same name and post in one unit, so the list's order must not depend on the query.
PEOPLE: dict[str, list[tuple[str, Post, int]]] = {
    "CB-A1": [
        ("Trần Thị Ánh", Post.BI_THU, 5),
        ("Nguyễn Văn Bình", Post.CAP_UY_VIEN, 5),
        ("Nguyễn Văn Bình", Post.CAP_UY_VIEN, 2),
    ],
    "CB-A2": [("Lê Thị Cúc", Post.BI_THU, 4)],
    "CB-B": [("Phạm Minh Đức", Post.BI_THU, 5), ("Võ Văn Em", Post.PHO_BI_THU, 5)],
    "CB-C": [],
}
ALL_NAMES = {name for people in PEOPLE.values() for name, _, _ in people}


def add_candidate(
    session: Session, org_id: int, name: str, post: Post, step: int, born: int = 1980
) -> Candidate:
    """A candidate with steps 1..step passed in March 2025 (birth dates keep keys unique)."""
    gender = Gender.NU if "Thị" in name else Gender.NAM
    birth = date(born, 1 + step, 1 + len(name) % 27)
    c = tree_candidate(org_id, name, birth, step, gender=gender, post=post)
    session.add(c)
    session.flush()
    for n in range(1, step + 1):
        vote = Decimal("91.50") if n == 5 else None
        session.add(
            CandidateStep(candidate_id=c.id, step=n, passed_on=date(2025, 3, n), vote_pct=vote)
        )
    session.flush()
    return c


@pytest.fixture
def tree(engine: Engine) -> list[str]:
    """ROOT → DBCS-A (→ CB-A1, CB-A2), CB-B, CB-C (no candidates, no committee size)."""
    with write_session(engine) as session:
        root = add_org(session, "ROOT", OrgKind.TREN_CO_SO, committee_size=15)
        a = add_org(session, "DBCS-A", OrgKind.DANG_BO_CO_SO, root, committee_size=5)
        units = {
            "CB-A1": add_org(session, "CB-A1", OrgKind.CHI_BO_TRUC_THUOC, a, committee_size=2),
            "CB-A2": add_org(session, "CB-A2", OrgKind.CHI_BO_TRUC_THUOC, a, committee_size=1),
            "CB-B": add_org(session, "CB-B", OrgKind.CHI_BO_CO_SO, root, congress=date(2025, 6, 5)),
            "CB-C": add_org(session, "CB-C", OrgKind.CHI_BO_CO_SO, root, committee_size=None),
        }
        for code, people in PEOPLE.items():
            for name, post, step in people:
                add_candidate(session, units[code].id, name, post, step)
    return list(PEOPLE)


def text_of(path: Path) -> str:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return html.unescape(re.sub(r"<[^>]+>", " ", xml))


def test_batched_lists_are_the_one_by_one_files_under_the_same_archive_keys(
    tree: list[str], tmp_path: Path
) -> None:
    batch = render_unit_reports(kind="personnel", units=tree, as_of=AS_OF, out_dir=tmp_path / "b")
    assert [r.subject for r in batch] == tree
    assert all(r.scope == r.subject and not r.reused and r.number is None for r in batch)
    batch_rows, batch_keys = archive_rows(), archive_rows("path")
    # The CLI's one-by-one call finds each batched file under its own archive key (and copies
    # its bytes into the folder asked for).
    for r in batch:
        again = render_report(kind="personnel", scope=r.subject, as_of=AS_OF, out_dir=tmp_path)
        copy = tmp_path / r.path.name
        assert [(a.path, a.sha256, a.reused) for a in again] == [(copy, r.sha256, True)]
        assert copy.read_bytes() == r.path.read_bytes()
    assert archive_rows() == batch_rows
    with write_session() as session:  # forget the archive: genuinely new one-by-one renders
        session.execute(ReportArchive.__table__.delete())
    for r in batch:
        [single] = render_report(
            kind="personnel", scope=r.subject, as_of=AS_OF, out_dir=tmp_path / "s"
        )
        assert not single.reused and single.path.name == r.path.name
        assert single.path.read_bytes() == r.path.read_bytes()
    # The same rows but for the folder the files were written to.
    assert archive_rows("path") == batch_keys


def test_an_unchanged_batch_renders_nothing_and_returns_nothing(
    tree: list[str], tmp_path: Path
) -> None:
    first = render_unit_reports(kind="personnel", units=tree, as_of=AS_OF, out_dir=tmp_path)
    rows = archive_rows()
    stamps = {r.path: r.path.stat().st_mtime_ns for r in first}
    assert render_unit_reports(kind="personnel", units=tree, as_of=AS_OF, out_dir=tmp_path) == []
    assert archive_rows() == rows
    assert {r.path: r.path.stat().st_mtime_ns for r in first} == stamps
    # Asked for every unit, the batch returns the archived files as they are.
    every = render_unit_reports(
        kind="personnel", units=tree, as_of=AS_OF, out_dir=tmp_path, only_changed=False
    )
    assert [(r.path, r.sha256) for r in every] == [(r.path, r.sha256) for r in first]
    assert all(r.reused for r in every) and archive_rows() == rows


def test_only_the_unit_whose_candidates_changed_is_rendered_again(
    tree: list[str], tmp_path: Path
) -> None:
    first = {
        r.subject: r
        for r in render_unit_reports(kind="personnel", units=tree, as_of=AS_OF, out_dir=tmp_path)
    }
    before = {code: r.path.read_bytes() for code, r in first.items()}
    with write_session() as session:
        org_id = session.scalar(select(Organisation.id).where(Organisation.code == "CB-A2"))
        assert org_id is not None
        add_candidate(session, org_id, "Đỗ Thị Giang", Post.CAP_UY_VIEN, 5, born=1992)
    again = render_unit_reports(kind="personnel", units=tree, as_of=AS_OF, out_dir=tmp_path)
    assert [(r.subject, r.reused) for r in again] == [("CB-A2", False)]
    assert again[0].path == first["CB-A2"].path and "Đỗ Thị Giang" in text_of(again[0].path)
    after = {code: r.path.read_bytes() for code, r in first.items()}
    assert {code for code in tree if after[code] != before[code]} == {"CB-A2"}
    # The draft of the same day is rewritten in place: still one archive row per file.
    assert len(archive_rows()) == len(tree)


def test_each_units_list_holds_its_own_candidates_only(tree: list[str], tmp_path: Path) -> None:
    for r in render_unit_reports(kind="personnel", units=tree, as_of=AS_OF, out_dir=tmp_path):
        text = text_of(r.path)
        own = {name for name, _, _ in PEOPLE[r.subject]}
        assert {name for name in ALL_NAMES if name in text} == own, r.subject
        assert text.count("Nguyễn Văn Bình") == (2 if r.subject == "CB-A1" else 0)


def test_candidates_of_units_keys_every_unit_asked_for(tree: list[str]) -> None:
    with read_session() as session:
        ids = dict(session.execute(select(Organisation.code, Organisation.id)).all())
        rows = personnel.candidates_of_units(
            session, org_ids=[ids[c] for c in tree], as_of=date(2025, 3, 3)
        )
        single = personnel.candidates_of(session, org_id=ids["CB-A1"], as_of=date(2025, 3, 3))
    assert {code: len(rows[ids[code]]) for code in tree} == {
        code: len(people) for code, people in PEOPLE.items()
    }
    assert rows[ids["CB-A1"]] == single
    assert [c.step for c in single] == [3, 3, 2]  # steps dated after as_of not reached yet


def test_codes_match_case_insensitively_once_each_and_unknown_or_dissolved_are_refused(
    tree: list[str], tmp_path: Path
) -> None:
    files = render_unit_reports(
        kind="personnel", units=["cb-b", "CB-B", "CB-A1"], as_of=AS_OF, out_dir=tmp_path
    )
    assert [r.subject for r in files] == ["CB-B", "CB-A1"]
    assert render_unit_reports(kind="personnel", units=[], as_of=AS_OF) == []
    with pytest.raises(UnknownOrganisation):
        render_unit_reports(kind="personnel", units=["CB-B", "KHONG-CO"], as_of=AS_OF)
    with write_session() as session:
        session.execute(
            update(Organisation)
            .where(Organisation.code == "CB-C")
            .values(status=OrgStatus.DISSOLVED)
        )
    with pytest.raises(UserError, match="CB-C"):
        render_unit_reports(kind="personnel", units=["CB-B", "CB-C"], as_of=AS_OF)


def test_sql_statements_do_not_grow_with_the_number_of_units(
    engine: Engine, home: Path, tmp_path: Path
) -> None:
    with write_session(engine) as session:
        root = add_org(session, "ROOT", OrgKind.TREN_CO_SO, committee_size=15)
        codes = []
        for i in range(33):
            unit = add_org(session, f"CB-{i:02d}", OrgKind.CHI_BO_CO_SO, root, committee_size=1)
            add_candidate(session, unit.id, f"Người Số {i:02d}", Post.BI_THU, 5)
            codes.append(unit.code)
        assert session.scalar(select(func.count()).select_from(Candidate)) == 33
        sync_plans(session)  # as `daihoi init` does: the first archive writes no plan version
    few, many = codes[:3], codes[3:]
    with counting(engine) as small:
        assert len(render_unit_reports(kind="personnel", units=few, as_of=AS_OF)) == 3
    with counting(engine) as large:
        assert len(render_unit_reports(kind="personnel", units=many, as_of=AS_OF)) == 30
    assert len(large) == len(small)
    with counting(engine) as unchanged:
        assert render_unit_reports(kind="personnel", units=codes, as_of=AS_OF) == []
    assert len(unchanged) < len(small)
