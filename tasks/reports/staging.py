"""Files that go into place together with their archive rows: each document is written beside
its place first, and moved into place just before the commit; on any failure, every file the
request wrote is removed, so no file is left without its row."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class Staging:
    """Files that go into place together with their archive rows."""

    def __init__(self) -> None:
        self.pending: dict[Path, None] = {}  # in order; a path added twice is written once
        self.written: list[Path] = []

    def add(self, path: Path, data: bytes) -> str:
        """Write a document beside its place (one in memory at a time); returns its SHA-256."""
        tmp = path.with_name(f".{path.name}.tmp")
        self.written.append(tmp)
        tmp.write_bytes(data)
        self.pending[path] = None
        return hashlib.sha256(data).hexdigest()

    def publish(self) -> None:
        """Move every document into place (called just before the commit)."""
        for path in self.pending:
            os.replace(path.with_name(f".{path.name}.tmp"), path)
            self.written.append(path)

    def discard(self) -> None:
        for path in self.written:
            with suppress(OSError):
                path.unlink()


@contextmanager
def staging() -> Iterator[Staging]:
    """Wraps the rendering and the write transaction: on any failure, every file this request
    wrote is removed."""
    staged = Staging()
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
