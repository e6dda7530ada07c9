"""`/bao-cao/{id}/tai-ve`: an archived report, by its archive id after the scope check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from flows.web.downloads import attachment
from flows.web.scope import Access, NotFound, allow

router = APIRouter()

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/bao-cao/{report_id:int}/tai-ve")
def download_report(access: Annotated[Access, Depends(allow("reports"))]) -> FileResponse:
    """The report's file (the path comes from the archive, never from the request)."""
    report = access.report
    assert report is not None  # the scope dependency resolved the id
    path = Path(report.path)
    if not path.is_file():
        raise NotFound
    number = f"_{report.number}" if report.number else ""
    code = report.subject_code or report.scope_code
    name = f"{report.kind}_{code}_{report.as_of.isoformat()}{number}.docx"
    return FileResponse(path, media_type=DOCX, headers=attachment(name))
