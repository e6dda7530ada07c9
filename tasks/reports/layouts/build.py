"""Build the packaged report templates (templates/<name>_tpl.docx), deterministically.

Run `python -m tasks.reports.layouts` after changing a layout; the committed files
must be exactly what it writes (a test rebuilds them and compares bytes). Offices edit copies
in $DAIHOI_HOME/templates/, never these. Each template's layout is its kind's module here.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from docx.document import Document as DocumentObject

from tasks.reports.docx import package as docx_zip
from tasks.reports.docx.render import template_dir
from tasks.reports.layouts import (
    delegates,
    feedback,
    inspections,
    personnel,
    personnel_subtree,
    progress,
    reminders,
    targets,
    training,
)
from tasks.reports.layouts.blocks import new_document

# The date pinned into the packaged templates' properties (the format's reference year).
BUILD_DATE = date(2025, 1, 1)
# Packaged templates are the same bytes wherever they are built, whatever the office's zone.
BUILD_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


# Template name → (layout, landscape).
LAYOUTS: dict[str, tuple[Callable[[DocumentObject], None], bool]] = {
    "progress": (progress.layout, False),
    "personnel": (personnel.layout, True),
    "personnel_subtree": (personnel_subtree.layout, False),
    "inspections": (inspections.layout, False),
    "feedback": (feedback.layout, False),
    "training": (training.layout, False),
    "targets": (targets.layout, False),
    "reminders": (reminders.layout, False),
    "delegates": (delegates.layout, False),
}


def build(name: str) -> bytes:
    """The bytes of one packaged template (deterministic)."""
    layout, landscape = LAYOUTS[name]
    doc = new_document(landscape=landscape)
    # python-docx starts a document with no paragraph; the layout adds everything.
    layout(doc)
    raw = io.BytesIO()
    doc.save(raw)
    archive = zipfile.ZipFile(raw)
    entries = []
    for info in archive.infolist():
        data = archive.read(info.filename)
        if info.filename == docx_zip.CORE_PROPS_PATH:
            data = docx_zip.core_properties(as_of=BUILD_DATE, title="", zone=BUILD_ZONE)
        entries.append(docx_zip.deflate(info.filename, data, level=9))
    return docx_zip.write_zip(entries)


def main() -> None:
    """Write every packaged template and say which changed."""
    out = template_dir()
    for name in LAYOUTS:
        data = build(name)
        path = out / f"{name}_tpl.docx"
        old = path.read_bytes() if path.exists() else None
        if old != data:
            path.write_bytes(data)
            sys.stderr.write(f"wrote {path}\n")
