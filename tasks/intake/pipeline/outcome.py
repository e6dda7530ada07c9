"""How a file arrives (ImportOptions) and what became of it (FileOutcome)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from models.enums import IntakeState
from tasks.intake.pipeline.issues import Issue


@dataclass(frozen=True)
class ImportOptions:
    """How a file arrived. `sender_code` is the transport's sender (`--org`, the inbox folder);
    without it the sender is `_meta.org_code`; without either the file is refused (except
    don-vi into an empty registry)."""

    sender_code: str | None = None
    letter_number: str | None = None
    letter_date: date | None = None
    force: bool = False
    received_on: date | None = None
    error_dir: Path | None = None
    write_errors: bool = True
    # Validate and compute the changes in a transaction rolled back at the end: nothing written.
    dry_run: bool = False
    # `--yes`: go on although the file removes more than half of a unit's rows.
    confirm: bool = False
    # The intake this import undoes (`daihoi import --undo`).
    undo_of: int | None = None
    # Who sends it (the web account's login); default: the settings' actor name.
    actor: str | None = None


@dataclass
class FileOutcome:
    """What became of one file. `issues` quote cell values: show them to the unit, never log them
    (use `public()` for logs and Prefect)."""

    path: Path
    state: IntakeState
    sha256: str = ""
    form: str | None = None
    sender: str | None = None
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    intake_id: int | None = None
    error_workbook: Path | None = None
    message: str | None = None
    # Rows added / changed / removed per unit (tasks.intake.preview.UnitChange).
    changes: list[Any] = field(default_factory=list)
    dry_run: bool = False
    needs_confirmation: bool = False

    @property
    def errors(self) -> list[Issue]:
        """The issues that rejected the file."""
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        """The issues that did not."""
        return [i for i in self.issues if not i.is_error]

    @property
    def accepted(self) -> bool:
        """Accepted, or a duplicate of an accepted file (a no-op)."""
        return self.state in (IntakeState.ACCEPTED, IntakeState.DUPLICATE)

    def public(self) -> dict[str, Any]:
        """Hash, form, sender code, counts and error locations only: safe for logs and Prefect."""
        return {
            "file_sha256": self.sha256,
            "form": self.form,
            "sender": self.sender,
            "state": self.state.value,
            "rows": self.rows,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": dict(self.counts),
            "intake_id": self.intake_id,
            "changes": [
                {"org": c.org_code, "added": c.added, "changed": c.changed, "removed": c.removed}
                for c in self.changes
            ],
            "error_locations": [i.location() for i in self.errors[:200]],
        }


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (streamed)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """File-level problems first, then by sheet (in order of appearance), row and column."""
    sheets: dict[str | None, int] = {None: -1}
    for i in issues:
        sheets.setdefault(i.sheet, len(sheets))
    return sorted(issues, key=lambda i: (sheets[i.sheet], i.row or 0, i.col_idx or 0))
