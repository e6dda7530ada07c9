"""RELIABILITY.md F1: every report kind, export and form for a leaf unit holds only that unit's
data — no other unit's code, no other unit's candidate name or birth date."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from flows.cli import app
from models import Candidate, Comment, Inspection, Organisation, Submission
from models.db import read_session
from models.settings import get_settings
from tasks.demo.seed import seed_demo
from tasks.intake.pipeline.spec import all_forms
from tasks.reports.plan import KINDS

pytestmark = pytest.mark.db

runner = CliRunner()
AS_OF = "2025-03-15"


def _leaf() -> Organisation:
    """The childless unit with the most records of every kind (candidates, inspections, comments)."""
    with read_session() as s:
        parents = select(Organisation.parent_id).where(Organisation.parent_id.is_not(None))
        n = (
            select(func.count())
            .select_from(Candidate)
            .where(Candidate.org_id == Organisation.id)
            .scalar_subquery()
            + select(func.count())
            .select_from(Inspection)
            .where(Inspection.org_id == Organisation.id)
            .scalar_subquery()
            + select(func.count())
            .select_from(Comment)
            .join(Submission, Submission.id == Comment.submission_id)
            .where(Submission.org_id == Organisation.id)
            .scalar_subquery()
        )
        return s.scalars(
            select(Organisation)
            .where(Organisation.id.not_in(parents), Organisation.parent_id.is_not(None))
            .order_by(n.desc(), Organisation.code)
            .limit(1)
        ).one()


def _text_of(path: Path) -> Iterator[str]:
    """Every piece of text a user could see in a .docx or .xlsx (hidden sheets too)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    yield re.sub(r"<[^>]+>", "", z.read(name).decode("utf-8"))
        return
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        yield ws.title
        for row in ws.iter_rows(values_only=True):
            yield " ".join(str(v) for v in row if v is not None)


def _outsiders(leaf: Organisation) -> tuple[set[str], set[str]]:
    """Codes of units neither the leaf nor its ancestors; names and birth dates of their
    candidates (those of the leaf's own candidates excepted)."""
    ancestors = {int(p) for p in leaf.path.strip("/").split("/") if p}
    with read_session() as s:
        codes = {
            code
            for oid, code in s.execute(select(Organisation.id, Organisation.code))
            if oid not in ancestors and oid != leaf.id
        }
        own = {
            (c.full_name, c.birth_date)
            for c in s.scalars(select(Candidate).where(Candidate.org_id == leaf.id))
        }
        others = [
            (c.full_name, c.birth_date)
            for c in s.scalars(select(Candidate).where(Candidate.org_id != leaf.id))
        ]
    # The signer printed on every report is the office's, not a candidate's data.
    names = {n for n, _ in others} - {n for n, _ in own} - {get_settings().issuer.signer_name}
    births: set[date] = {b for _, b in others if b is not None} - {b for _, b in own}
    secrets = names | {b.strftime("%d/%m/%Y") for b in births} | {b.isoformat() for b in births}
    return codes, secrets


def test_every_report_export_and_form_of_a_leaf_holds_only_its_own_data(
    engine: Engine, home: Path, tmp_path: Path
) -> None:
    seed_demo(engine)
    leaf = _leaf()
    codes, secrets = _outsiders(leaf)
    out = tmp_path / "out"
    out.mkdir()
    made: dict[str, list[Path]] = {}
    refused: dict[str, str] = {}

    def run(label: str, args: list[str], target: Path) -> None:
        before = set(target.parent.rglob("*")) if target.is_dir() else set()
        result = runner.invoke(app, args)
        if result.exit_code != 0:  # refused for a leaf: a clear message, nothing written
            refused[label] = str(getattr(result.exception, "message", result.output))
            return
        made[label] = (
            [p for p in target.rglob("*") if p.is_file() and p not in before]
            if target.is_dir()
            else [target]
        )

    for kind in KINDS:
        target = out / kind
        target.mkdir()
        run(
            f"report {kind}",
            ["report", kind, "--org", leaf.code, "--as-of", AS_OF, "--out", str(target)],
            target,
        )
    for what in ("status", "tiep-thu"):
        path = out / f"export-{what}.xlsx"
        run(f"export {what}", ["export", what, "--org", leaf.code, "--out", str(path)], path)
    for form in all_forms():
        path = out / f"form-{form}.xlsx"
        run(f"forms {form}", ["forms", form, "--org", leaf.code, "--out", str(path)], path)
    status = runner.invoke(app, ["status", "--org", leaf.code, "--as-of", AS_OF, "--json"])
    assert status.exit_code == 0

    files = [p for paths in made.values() for p in paths]
    assert len(made) >= len(KINDS) + len(all_forms()), refused
    empty = sorted(label for label, paths in made.items() if not paths)
    assert empty in ([], ["report reminders"])  # no reminder letter when nothing is overdue
    token = re.compile(r"[A-Z0-9][A-Z0-9.\-]*[A-Z0-9]")
    leaks: list[str] = []
    for label, paths in [*made.items(), ("status --json", [])]:
        texts = [t for p in paths for t in _text_of(p)] or [status.stdout]
        blob = "\n".join(texts)
        leaks += [f"{label}: code {c}" for c in set(token.findall(blob)) & codes]
        leaks += [f"{label}: {s}" for s in secrets if s in blob]
    assert leaks == [], leaks
    assert leaf.code in status.stdout
    print(f"F1: {len(made)} outputs, {len(files)} files for {leaf.code}; refused: {refused}")
