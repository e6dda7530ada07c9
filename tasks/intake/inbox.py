"""The inbox: `DAIHOI_HOME/inbox/<unit code>/` (the folder names the sender) or `inbox/_meta/`
(the workbook's `_meta` names it); imported oldest first, then filed under `processed/` or
`rejected/` beside them (a rejected file with its error workbook)."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models.settings import get_settings
from tasks.core.dates import local_zone

META_FOLDER = "_meta"
PROCESSED, REJECTED = "processed", "rejected"


@dataclass(frozen=True)
class InboxFile:
    """A waiting file: where, who sent it (None: from `_meta`), when it arrived."""

    path: str
    sender: str | None
    arrived: float

    @property
    def received_on(self) -> date:
        """The arrival day in the office's time zone."""
        return datetime.fromtimestamp(self.arrived, local_zone()).date()


def default_inbox() -> Path:
    """`$DAIHOI_HOME/inbox`."""
    return get_settings().home / "inbox"


def _waiting(folder: Path) -> Iterable[Path]:
    for entry in folder.iterdir():
        # Office lock files (~$x.xlsx) and hidden files are not submissions.
        if entry.is_file() and not entry.name.startswith(("~$", ".")):
            yield entry


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Every waiting file, oldest first (by modification time, then path)."""
    if not inbox.is_dir():
        return []
    found = [InboxFile(str(entry), None, entry.stat().st_mtime) for entry in _waiting(inbox)]
    for folder in sorted(p for p in inbox.iterdir() if p.is_dir()):
        sender = None if folder.name == META_FOLDER else folder.name
        found.extend(InboxFile(str(f), sender, f.stat().st_mtime) for f in _waiting(folder))
    return sorted(found, key=lambda f: (f.arrived, f.path))


def outcome_folder(path: Path, accepted: bool) -> Path:
    """`processed/` or `rejected/` beside the file."""
    return path.parent / (PROCESSED if accepted else REJECTED)


def file_away(path: Path, accepted: bool) -> Path:
    """Move an imported file to `processed/` or `rejected/`, never overwriting an earlier one."""
    folder = outcome_folder(path, accepted)
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        target = folder / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), target)
    return target


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts over public file outcomes (see FileOutcome.public)."""
    states = Counter(r["state"] for r in results)
    return {
        "files": len(results),
        "accepted": states.get("accepted", 0),
        "duplicate": states.get("duplicate", 0),
        "rejected": states.get("rejected", 0),
        "rows": sum(r["rows"] for r in results if r["state"] == "accepted"),
        "errors": sum(r["errors"] for r in results),
    }
