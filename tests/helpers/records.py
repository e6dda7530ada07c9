"""One person-edited record of each kind (candidate, remedy, disposition), for stale-edit tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import Comment, Disposition, Draft, Inspection, Remedy, Submission
from models.db import write_session
from models.enums import (
    CommentKind,
    DispositionAction,
    InspectionForm,
    InspectionKind,
    InspectionTarget,
    RemedyStatus,
)
from models.queries import find_org
from tests.helpers.factories import candidate


def make_record(entity: str) -> tuple[type[Any], int, str]:
    """Create a record of `entity` under CB-A (seed_tree's); its model, id and an editable text
    field."""
    with write_session() as s:
        org = find_org(s, code="CB-A").id
        if entity == "candidate":
            rec: Any = candidate(org, "Trần Thị Hoa", name_key="tran thi hoa")
            field = "current_position"
        elif entity == "remedy":
            insp = Inspection(
                org_id=org,
                code="KT-1",
                kind=InspectionKind.KIEM_TRA,
                form=InspectionForm.THUONG_XUYEN,
                target=InspectionTarget.TO_CHUC,
                started_on=date(2025, 1, 2),
            )
            s.add(insp)
            s.flush()
            rec = Remedy(
                inspection_id=insp.id,
                seq=1,
                requirement="Bổ sung biên bản",
                due_on=date(2025, 3, 1),
                status=RemedyStatus.CHUA,
            )
            field = "requirement"
        else:
            draft = Draft(scope_org_id=find_org(s, code="DU").id, title="Dự thảo")
            s.add(draft)
            s.flush()
            sub = Submission(draft_id=draft.id, org_id=org, submitted_on=date(2025, 3, 1))
            s.add(sub)
            s.flush()
            comment = Comment(
                submission_id=sub.id,
                section_number="I",
                kind=CommentKind.BO_SUNG,
                text="Góp ý",
                text_key="gop y",
            )
            s.add(comment)
            s.flush()
            rec = Disposition(
                comment_id=comment.id, action=DispositionAction.GIAI_TRINH, text="Giải trình"
            )
            field = "text"
        s.add(rec)
        s.flush()
        return type(rec), int(rec.id), field


def edit_field(session: Session, model: type[Any], rec_id: int, field: str, value: str) -> None:
    """Edit one field through the ORM (the version counter moves on)."""
    rec = session.get(model, rec_id)
    setattr(rec, field, value)
    session.flush()
