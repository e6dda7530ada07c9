"""Reading generated .docx files in tests: their body text and tables, through python-docx."""

from __future__ import annotations

from pathlib import Path

import docx


def body_text(path: Path) -> str:
    """Every paragraph of a document, its tables' cells included, one per line."""
    d = docx.Document(str(path))
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def table_rows(path: Path) -> list[list[str]]:
    """The rows of every table after the header table, each as its cells' text."""
    d = docx.Document(str(path))
    return [[c.text for c in row.cells] for t in d.tables[1:] for row in t.rows]
