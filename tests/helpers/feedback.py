"""A small tree and a current draft Political Report for the feedback (gop-y, tiep-thu) tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from models.db import write_session
from models.enums import OrgKind
from tasks.intake.draft.parse import ParsedDraft, ParsedSection
from tasks.intake.draft.store import import_draft
from tests.helpers.factories import add_org


def add_tree(engine: Engine) -> dict[str, int]:
    """DU (root) → CB-A, CB-B, DB-C → CB-C1."""
    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        a = add_org(s, "CB-A", parent=root)
        b = add_org(s, "CB-B", parent=root)
        c = add_org(s, "DB-C", OrgKind.DANG_BO_CO_SO, parent=root)
        c1 = add_org(s, "CB-C1", OrgKind.CHI_BO_TRUC_THUOC, parent=c)
        return {o.code: o.id for o in (root, a, b, c, c1)}


SECTIONS = (
    ("I", "Tình hình", 1),
    ("I.1", "Kết quả", 2),
    ("I.2", "Hạn chế", 2),
    ("II", "Phương hướng", 1),
    ("II.1", "Mục tiêu", 2),
    ("II.1.a", "Chỉ tiêu", 3),
)


def add_draft(engine: Engine, scope_id: int, deadline: date | None = None) -> int:
    """The current draft of `scope_id` with SECTIONS; returns its id."""
    parsed = ParsedDraft(
        "Dự thảo",
        tuple(ParsedSection(n, t, lvl, i) for i, (n, t, lvl) in enumerate(SECTIONS, 1)),
        "styles",
    )
    with write_session(engine) as s:
        return import_draft(
            s, scope_id=scope_id, parsed=parsed, file_sha256="d" * 64, deadline=deadline
        ).draft_id
