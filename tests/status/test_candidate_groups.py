"""The personnel statement (models.stages.candidates_query) itself: one group per unit and day a
candidate's latest step is step 5 (NULL: steps 0–4), each with its count, steps summed and
structure categories, the same on SQLite (its text forms) and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from models import stages as q
from models.db import read_session, write_session
from models.enums import OrgKind
from tasks.core.plans import choose_plan
from tests.helpers.factories import add_org
from tests.helpers.status import add_candidate, root_only

pytestmark = pytest.mark.db

AS_OF = date(2025, 3, 1)


def _groups(path: str) -> dict[tuple[str, str | None], tuple[int, ...]]:
    plan = choose_plan("ct45-2025", AS_OF)
    age = q.AgeReference(
        term="2025-2030",
        reference={k: plan.age_reference(k.level) for k in OrgKind},
        default_congress={k: plan.default_congress(k.level) for k in OrgKind},
    )
    with read_session() as s:
        code = {o.id: o.code for o in s.execute(q.units_query(scope_path=path, term="2025-2030"))}
        rows = s.execute(q.candidates_query(scope_path=path, as_of=AS_OF, age=age)).all()
    return {
        (code[r.id], r.passed_on): (
            r.n,
            r.step_sum,
            *(getattr(r, f) for f in q.CATEGORY_FLAGS),
        )
        for r in rows
    }


def test_candidate_groups_count_steps_and_categories_per_unit_and_day(engine: Engine) -> None:
    may_1 = {5: date(2025, 2, 1)}
    with write_session() as s:
        root = root_only(s)
        # Grassroots: ages on the plan's reference date 2025-04-01.
        a = add_org(s, "A", parent=root, committee_size=3)
        # Exactly 40 on the reference day; ' kinh ' is Kinh; 'ths' is not the abbreviation ThS.
        add_candidate(s, a, may_1, born=date(1985, 4, 1), ethnicity=" kinh ", education="ths Luật")
        # A day younger; Hoa; postgraduate by academic title alone.
        add_candidate(
            s, a, may_1, born=date(1985, 4, 2), ethnicity="Hoa", education="Cử nhân", title="TS"
        )
        add_candidate(s, a, {5: date(2025, 2, 3)}, ethnicity="KINH", education="Tiến sĩ Luật")
        add_candidate(s, a, {1: date(2025, 1, 1), 3: date(2025, 2, 1)}, ethnicity="Tày")
        add_candidate(s, a, {2: date(2025, 3, 10)})  # no step by as_of: step 0
        add_candidate(s, a, {5: date(2025, 2, 5), 4: date(2025, 2, 10)})  # latest by date: 4
        add_candidate(s, a, may_1, active=False)  # inactive: not counted
        # No age reference for its kind: its congress day, 29 February, less 40 years.
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root, committee_size=None)
        b = add_org(
            s, "B", OrgKind.CHI_BO_TRUC_THUOC, dbcs, committee_size=1, congress=date(2028, 2, 29)
        )
        add_candidate(s, b, {1: date(2025, 1, 1)}, born=date(1988, 2, 29))  # exactly 40
        add_candidate(s, b, {1: date(2025, 1, 1)}, born=date(1988, 3, 1))
        path = root.path
    # (n, step_sum, nu, duoi_40, lan_dau, dan_toc_thieu_so, tren_dai_hoc)
    assert _groups(path) == {
        ("A", None): (3, 3 + 0 + 4, 3, 3, 3, 1, 3),
        ("A", "2025-02-01"): (2, 10, 2, 1, 2, 1, 1),
        ("A", "2025-02-03"): (1, 5, 1, 1, 1, 0, 1),
        ("B", None): (2, 2, 2, 1, 2, 0, 2),
    }
