"""`/bieu-mau`: the forms an account may download; `/bieu-mau/{form}?org=`: one pre-filled."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from flows.web.deps import engine_of
from flows.web.downloads import XLSX, attachment
from flows.web.render import page
from flows.web.scope import Access, NotFound, allow
from models.db import read_session
from tasks.core.errors import UserError
from tasks.intake.exports.downloads import form_bytes
from tasks.intake.pipeline.spec import all_forms

router = APIRouter()


def offered_forms(access: Access) -> list[tuple[str, str]]:
    """(code, title) of the forms this account may download, in a stable order."""
    return [
        (code, spec.title.capitalize())
        for code, spec in sorted(all_forms().items())
        if access.may_form(code)
    ]


@router.get("/bieu-mau", response_class=HTMLResponse)
def forms_page(request: Request, access: Annotated[Access, Depends(allow("form"))]) -> Response:
    """The downloadable forms for the unit named by `org` (default: the account's scope)."""
    return page(
        request,
        "forms.html",
        {
            "title": "Biểu mẫu",
            "nav": "bieu-mau",
            "access": access,
            "forms": offered_forms(access),
            "target": access.target,
        },
    )


@router.get("/bieu-mau/{form}")
def download_form(
    request: Request, form: str, access: Annotated[Access, Depends(allow("form"))]
) -> Response:
    """The pre-filled workbook, exactly what `daihoi forms FORM --org CODE` writes."""
    if form not in all_forms() or access.target is None:
        raise NotFound
    with read_session(engine_of(request)) as session:
        try:
            data, name = form_bytes(session, form=form, org=access.target)
        except UserError as e:
            return page(
                request,
                "error.html",
                {"title": "Không tạo được biểu mẫu", "message": e.message},
                status_code=409,
            )
    return Response(data, media_type=XLSX, headers=attachment(name))
