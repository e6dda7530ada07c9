"""A Hypothesis state machine interleaving imports, corrections, re-parentings, replays and
rollups; after every step: no row lost, every parent's figures the sum of its children's,
and replaying a file already in changes nothing."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from models import AuditEvent, Candidate, Organisation
from models.db import dispose_engines, read_session
from models.settings import get_settings
from tasks.intake.receive import ImportOptions, import_file
from tasks.status import publish
from tasks.status.document import status_result
from tests.helpers.workbooks import nhan_su_book, person, seed_tree, write_book

LEAVES = ("CB-A", "CB-B", "CB-C1")
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Võ Văn Em")
POSTS = ("Hiệu trưởng", "Phó Hiệu trưởng", "Giáo viên")
AS_OF = date(2025, 12, 31)
DV = [
    "Mã đơn vị",
    "Tên tổ chức đảng",
    "Loại hình",
    "Mã đơn vị cấp trên",
    "Số đảng viên chính thức",
    "Trạng thái",
    "Ngày hiệu lực",
]


class Committee(RuleBasedStateMachine):
    """The database against a model: each leaf's candidates are those of its latest file."""

    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="daihoi-sm-"))
        shutil.copyfile(self.template, self.dir / "db.sqlite")
        self.url = f"sqlite:///{self.dir / 'db.sqlite'}"
        self._env(self.url)
        seed_tree()
        self.expected: dict[str, dict[str, str]] = {code: {} for code in LEAVES}
        self.last_file: dict[str, Path] = {}
        self.n = 0
        self.c1_under = "DB-C"
        self.audit = 0

    def _env(self, url: str) -> None:
        import os

        os.environ["DAIHOI_DATABASE_URL"] = url
        get_settings.cache_clear()
        dispose_engines()

    def teardown(self) -> None:
        dispose_engines()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _import(self, path: Path, sender: str) -> str:
        self.n += 1
        opts = ImportOptions(
            sender_code=sender, received_on=date(2025, 6, 1) + timedelta(self.n), confirm=True
        )
        outcome = import_file(path, opts)
        assert outcome.state.value in ("accepted", "duplicate"), [i.text() for i in outcome.issues]
        return outcome.state.value

    def _nhan_su(self, unit: str, people: dict[str, str]) -> Path:
        self.n += 1
        rows = [
            person(**{"Họ và tên": n, "Chức vụ hiện nay": post, "Ngày sinh": "15/04/1975"})
            for n, post in sorted(people.items())
        ]
        # The unit's name above the header, as a real file has: two units' empty lists are
        # not the same bytes (the same bytes sent for a second unit are refused).
        path = self.dir / f"{unit}-{self.n}.xlsx"
        return nhan_su_book(path, rows, titles=[f"Đơn vị {unit}"], header_row=2)

    @rule(
        unit=st.sampled_from(LEAVES),
        people=st.dictionaries(st.sampled_from(NAMES), st.sampled_from(POSTS), max_size=4),
    )
    def import_list(self, unit: str, people: dict[str, str]) -> None:
        path = self._nhan_su(unit, people)
        self._import(path, unit)
        self.expected[unit] = dict(people)
        self.last_file[unit] = path

    @precondition(lambda self: any(self.expected.values()))
    @rule(data=st.data())
    def correct_one_row(self, data: st.DataObject) -> None:
        unit = data.draw(st.sampled_from([u for u in LEAVES if self.expected[u]]))
        name = data.draw(st.sampled_from(sorted(self.expected[unit])))
        post = data.draw(st.sampled_from([p for p in POSTS if p != self.expected[unit][name]]))
        people = {**self.expected[unit], name: post}
        path = self._nhan_su(unit, people)
        self._import(path, unit)
        self.expected[unit] = people
        self.last_file[unit] = path

    @precondition(lambda self: bool(self.last_file))
    @rule(data=st.data())
    def replay_latest_file(self, data: st.DataObject) -> None:
        unit = data.draw(st.sampled_from(sorted(self.last_file)))
        before = self._state()
        assert self._import(self.last_file[unit], unit) == "duplicate"
        assert self._state() == before

    @rule()
    def reparent_c1(self) -> None:
        to = "DU" if self.c1_under == "DB-C" else "DB-C"
        kind = "Chi bộ cơ sở" if to == "DU" else "Chi bộ trực thuộc"
        self.n += 1
        path = write_book(
            self.dir / f"dv-{self.n}.xlsx",
            {"Đơn vị": (DV, [["CB-C1", "Chi bộ C1", kind, to, 10, None, None]])},
        )
        self._import(path, "DU")
        self.c1_under = to

    def _state(self) -> dict[str, Any]:
        with read_session() as s:
            rows = s.execute(
                select(Organisation.code, Candidate.full_name, Candidate.current_position)
                .join(Organisation, Organisation.id == Candidate.org_id)
                .where(Candidate.active)
            ).all()
            parents = dict(
                s.execute(
                    select(Organisation.code, Organisation.parent_id).where(
                        Organisation.code == "CB-C1"
                    )
                ).all()
            )
            audit = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
        by_unit: dict[str, dict[str, str]] = {code: {} for code in LEAVES}
        for code, name, post in rows:
            by_unit[code][name] = post
        return {"candidates": by_unit, "parents": parents, "audit": audit}

    @invariant()
    def no_row_lost_or_left_over(self) -> None:
        state = self._state()
        assert state["candidates"] == self.expected
        assert state["audit"] >= self.audit  # audit only grows
        self.audit = state["audit"]

    @rule()
    def rollup(self) -> None:
        """The rollup: every parent's figures are the sum of its children's."""
        with read_session() as s:
            result = status_result(s, scope=None, as_of=AS_OF)
            c1_parent = s.scalar(
                select(Organisation.code).where(
                    Organisation.id
                    == select(Organisation.parent_id)
                    .where(Organisation.code == "CB-C1")
                    .scalar_subquery()
                )
            )
        assert c1_parent == self.c1_under
        doc = result.document
        children = publish.children_table(result)
        assert sorted(r["code"] for r in children) == sorted(
            ["CB-A", "CB-B", "DB-C"] + (["CB-C1"] if self.c1_under == "DU" else [])
        )
        for stage, summary in doc["stages"].items():
            done = sum(int(r[f"{stage}_done"].split("/")[0]) for r in children)
            applicable = sum(int(r[f"{stage}_done"].split("/")[1]) for r in children)
            overdue = sum(r[f"{stage}_overdue"] for r in children)
            assert (done, applicable, overdue) == (
                summary["done"],
                summary["applicable"],
                summary["overdue"],
            ), stage
        assert len(doc["units"]) == summary["units"] == 4


def test_imports_corrections_reparentings_and_replays_keep_the_invariants(
    sqlite_template: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAIHOI_DATABASE_URL", "sqlite://")  # restored after the machine ran
    Committee.template = sqlite_template
    try:
        run_state_machine_as_test(
            Committee,
            settings=settings(settings.default, max_examples=4, stateful_step_count=8),
        )
    finally:
        dispose_engines()
        get_settings.cache_clear()
