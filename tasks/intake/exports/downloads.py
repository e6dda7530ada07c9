"""A form's workbook as bytes, for the web (`/bieu-mau/{form}`): exactly what `daihoi forms`
writes, and for the tiếp thu sheet what `daihoi export tiep-thu` writes (pre-filled with the
comments to answer)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from models.queries import OrgRef
from tasks.intake.exports.forms import build_workbook, default_form_path
from tasks.intake.exports.tiep_thu import export_tiep_thu

TIEP_THU = "tiep-thu"


def form_bytes(session: Session, *, form: str, org: OrgRef) -> tuple[bytes, str]:
    """(the .xlsx bytes, the file name `<form>_<org>.xlsx`)."""
    name = default_form_path(form, org.code).name
    if form == TIEP_THU:
        with tempfile.TemporaryDirectory(prefix="daihoi-tiep-thu-") as tmp:
            path = Path(tmp) / name
            export_tiep_thu(session, scope=org, out=path)
            return path.read_bytes(), name
    book, _, _ = build_workbook(session, form=form, org=org)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), name
