"""Every accepted file, kept content-addressed under `$DAIHOI_HOME/intake/` (by its SHA-256):
what `daihoi import --undo` re-applies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from models.settings import get_settings


def intake_store() -> Path:
    """`$DAIHOI_HOME/intake`."""
    return get_settings().home / "intake"


def stored_path(sha256: str) -> Path:
    """Where the file with these bytes is kept: `intake/<2 hex>/<sha256>.xlsx`."""
    return intake_store() / sha256[:2] / f"{sha256}.xlsx"


def keep_file(source: Path, sha256: str) -> Path:
    """Copy the file into the store (once: the same bytes have the same name). The copy is
    written beside its final name and renamed, so a crash never leaves a half file there."""
    target = stored_path(sha256)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    return target
