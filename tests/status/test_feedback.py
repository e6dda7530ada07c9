"""Status rules, feedback: submissions, lateness, comment counts, the due date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from models import Organisation
from models.db import write_session
from models.enums import CommentKind
from tests.helpers.factories import add_org
from tests.helpers.status import add_draft, add_submission, root_only, stage_of, states, status

pytestmark = pytest.mark.db


def test_feedback_submissions_as_of_the_date_late_flag_and_comment_counts(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 3, 10))
        f1, f2, _, f4, f5 = (add_org(s, c, parent=root) for c in ("F1", "F2", "F3", "F4", "F5"))
        add_submission(s, draft, f5, date(2025, 3, 10))  # on the deadline: not late
        add_submission(
            s,
            draft,
            f1,
            date(2025, 3, 5),
            [
                (CommentKind.THONG_NHAT, False),
                (CommentKind.BO_SUNG, True),
                (CommentKind.SUA_DOI, False),
                (CommentKind.KHAC, True),
                (CommentKind.THONG_NHAT, True),
            ],
        )
        add_submission(s, draft, f2, date(2025, 3, 12))  # late, explicit "no comments"
        add_submission(s, draft, f4, date(2025, 3, 20), [(CommentKind.BO_SUNG, True)])
    doc = status(date(2025, 3, 15))
    one = stage_of(doc, "F1", "feedback")
    assert (one["state"], one["progress"], one["done_on"], one["late"]) == (
        "done",
        1.0,
        "2025-03-05",
        False,
    )
    assert (one["comments"], one["answered"], one["due"]) == (3, 2, "2025-03-10")
    two = stage_of(doc, "F2", "feedback")
    assert (two["state"], two["late"], two["warnings"], two["done_on"]) == (
        "done",
        True,
        ["late"],
        "2025-03-12",
    )
    assert states(doc, "feedback") == {
        "F1": "done",
        "F2": "done",
        "F3": "overdue",
        "F4": "overdue",  # its submission is dated after as_of
        "F5": "done",
    }
    assert stage_of(doc, "F5", "feedback")["late"] is False
    assert doc["stages"]["feedback"] == {
        "units": 5,
        "applicable": 5,
        "done": 3,
        "overdue": 2,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 0,
        "progress": 0.6,
        "late": 1,
        "comments": 3,
        "answered": 2,
    }
    before = status(date(2025, 3, 11))
    assert stage_of(before, "F2", "feedback")["state"] == "overdue"
    assert before["stages"]["feedback"]["late"] == 0


def test_feedback_due_is_the_drafts_deadline_else_congress_minus_20(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "U", parent=root, congress=date(2025, 5, 10))
    no_draft = status(date(2025, 3, 1))
    assert stage_of(no_draft, "U", "feedback")["due"] == "2025-04-20"
    with write_session() as s:
        root = s.scalars(select(Organisation).where(Organisation.code == "DU")).one()
        add_draft(s, root, date(2025, 3, 31))
    with_draft = status(date(2025, 3, 1))
    assert stage_of(with_draft, "U", "feedback")["due"] == "2025-03-31"
