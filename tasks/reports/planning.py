"""What every report kind plans from: the request's status and settings, and what it makes.

A `Request` holds one request's read session, the status of its scope (tasks.status.document)
and the document heads every kind writes; each kind (tasks.reports.kinds) turns it into
planned documents. Rendering and numbering happen later (tasks.reports.produce).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from models.queries import OrgRef, find_root
from models.settings import Settings
from tasks.core.plans import Plan, packaged_plans
from tasks.reports import archive
from tasks.reports import party_format as pf
from tasks.status.delegates import Figures
from tasks.status.document import StatusResult, status_result


@dataclass
class PlannedDocument:
    """One file to produce: its archive kind, template, subject, context (without a number)."""

    kind: str
    template: str
    subject_id: int
    subject_code: str
    doc_type: str
    context: dict[str, Any]
    title: str
    images: dict[str, bytes] = field(default_factory=dict)
    summary: dict[str, Any] | None = None


@dataclass
class ResolvedRequest:
    """Everything a request resolved to."""

    scope: OrgRef
    plan: str
    term: str
    documents: list[PlannedDocument]


def records(frame: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """A frame with an `id` column as plain rows by id."""
    return {int(r["id"]): {str(k): v for k, v in r.items()} for r in frame.to_dict("records")}


def opt_int(value: Any) -> int | None:
    """An optional whole number read from a frame (None for a missing one)."""
    return None if value is None or pd.isna(value) else int(value)


def opt_date(value: Any) -> date | None:
    """An optional date read from a frame (None for a missing one)."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


class Request:
    """One request's read session, settings, scope, status and chosen plan, and the document
    heads and planned documents every kind builds from them."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        scope: OrgRef,
        root: OrgRef,
        result: StatusResult,
        plan: Plan,
        as_of: date,
        term: str,
        plan_name: str | None = None,
    ) -> None:
        self.s, self.settings, self.scope, self.root = session, settings, scope, root
        self.plan_name = plan_name  # the plan asked for (None: each day's plan in force)
        self.result, self.status, self.plan, self.as_of = result, result.document, plan, as_of
        self.term = term
        self._stages_by_code: dict[str, dict[str, Any]] | None = None
        # The delegate allocation's figures (T, E, b), for the kind `delegates` only.
        self.delegates: Figures | None = None

    @cached_property
    def units(self) -> dict[int, dict[str, Any]]:
        """The status's units' rows by id (made when a kind first reads one: a national
        progress report never does, and 63,000 of them cost 1.6 s)."""
        return records(self.result.units)

    @cached_property
    def codes(self) -> dict[int, str]:
        """The status's units' codes by id."""
        units = self.result.units
        return {int(i): str(c) for i, c in zip(units["id"], units["code"], strict=True)}

    @cached_property
    def names(self) -> dict[int, str]:
        """The status's units' names by id."""
        units = self.result.units
        return {int(i): str(n) for i, n in zip(units["id"], units["name"], strict=True)}

    def suffix(self, org: OrgRef | None = None) -> str:
        """' (name)' after a subject about anything but the root ('' for the root)."""
        org = org or self.scope
        return "" if org.id == self.root.id else f" ({org.name})"

    def unit_stages(self, org_id: int) -> dict[str, Any]:
        """An organisation's own stage entries in the status document (the scope's: `self`)."""
        if org_id == self.scope.id:
            stages: dict[str, Any] = self.status["self"]["stages"]
            return stages
        if self._stages_by_code is None:
            self._stages_by_code = {u["code"]: u["stages"] for u in self.status["units"]}
        return self._stages_by_code[self.codes[org_id]]

    def ids(self) -> dict[str, int]:
        """Organisation ids by code, for every unit of the status."""
        units = self.result.units
        return {str(c): int(i) for c, i in zip(units["code"], units["id"], strict=True)}

    def judged_units(self) -> list[int]:
        """units(S) in tree order, or S itself when S has none (a leaf's report is about
        itself)."""
        ids = self.ids()
        units = [ids[u["code"]] for u in self.status["units"]]
        return units or [self.scope.id]

    def doc(self, head: pf.DocumentHead) -> dict[str, Any]:
        """The `doc` variables of a document with this head (no number yet)."""
        return pf.doc_context(
            head,
            issuer=self.settings.issuer,
            as_of=self.as_of,
            number=None,
            term=self.settings.term,
        )

    def report_head(self, subject: str) -> pf.DocumentHead:
        """The head of a báo cáo on `subject`, to the issuer's usual recipients."""
        return pf.DocumentHead(pf.REPORT, "Báo cáo", subject, list(self.settings.issuer.recipients))

    def report(
        self,
        kind: str,
        subject: str,
        context: dict[str, Any],
        about: OrgRef | None = None,
        **extra: Any,
    ) -> PlannedDocument:
        """A planned báo cáo of a kind on `subject`, about the scope unless `about` says."""
        template = extra.pop("template", kind)
        org = about or self.scope
        return PlannedDocument(
            kind=kind,
            template=template,
            subject_id=org.id,
            subject_code=org.code,
            doc_type=pf.REPORT,
            context=context,
            title=f"Báo cáo {subject}",
            **extra,
        )


def open_request(
    session: Session,
    *,
    settings: Settings,
    scope: OrgRef,
    as_of: date,
    plan: str | None,
    year: int | None,
) -> Request:
    """The status of the scope and everything a kind needs besides."""
    root = find_root(session)
    result = status_result(session, scope=scope.code, as_of=as_of, plan=plan, year=year)
    chosen = packaged_plans()[result.document["plan"]]
    term = archive.term_on(session, root_id=root.id, term=settings.term, day=as_of)
    return Request(session, settings, scope, root, result, chosen, as_of, term, plan)


Planner = Callable[[Request], list[PlannedDocument]]


@dataclass(frozen=True)
class Kind:
    """What the planner needs of a report kind: its code, how it plans a request's documents,
    and the planner of its `subtree` variant when it has one (personnel's summary)."""

    code: str
    plan: Planner
    subtree: Planner | None = None

    def planner(self, *, subtree: bool) -> Planner:
        """The planner a request asks for (a kind without a variant ignores `subtree`)."""
        return self.subtree if subtree and self.subtree is not None else self.plan
