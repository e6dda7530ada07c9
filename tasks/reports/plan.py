"""What a report request becomes: one planned document per file, each with its context.

Runs inside one read transaction: the status of the scope (tasks.status.document), the lists the status
does not carry (tasks.reports.queries) and the previous progress report (the archive). Rendering
and numbering happen later (tasks.reports.api).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import pandas as pd
from sqlalchemy.orm import Session

from models import stages as stage_queries
from models.queries import OrgRef, UnknownOrganisation, find_root, orgs_by_code, resolve_scope
from models.records import ReportArchive
from models.settings import Settings
from tasks.core.errors import UserError
from tasks.core.plans import STAGES, Plan, packaged_plans
from tasks.reports import archive, charts, context_records, context_status, queries
from tasks.reports import party_format as pf
from tasks.reports.context_status import PreviousReport
from tasks.reports.labels import term_label
from tasks.status.document import StatusResult, _summary, status_result

KINDS = ("progress", "personnel", "inspections", "feedback", "training", "targets", "reminders")
SUBTREE_KIND = "personnel-subtree"


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


def _suffix(scope: OrgRef, root: OrgRef) -> str:
    return "" if scope.id == root.id else f" ({scope.name})"


def _ids(result: StatusResult) -> dict[str, int]:
    return {str(c): int(i) for c, i in zip(result.units["code"], result.units["id"], strict=True)}


def _judged_units(result: StatusResult, scope: OrgRef) -> list[int]:
    """units(S) in tree order, or S itself when S has none (a leaf's report is about itself)."""
    ids = _ids(result)
    units = [ids[u["code"]] for u in result.document["units"]]
    return units or [scope.id]


def _records(frame: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """A frame with an `id` column as plain rows by id."""
    return {int(r["id"]): {str(k): v for k, v in r.items()} for r in frame.to_dict("records")}


def _opt_int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _date(value: Any) -> date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _previous(
    session: Session, scope: OrgRef, as_of: date, issuer_code: str
) -> PreviousReport | None:
    row = archive.latest_archived(session, kind="progress", scope_id=scope.id, before=as_of)
    return _previous_of(row, issuer_code)


def _previous_of(row: ReportArchive | None, issuer_code: str) -> PreviousReport | None:
    """What a progress report says of the archived one before it (None: nothing to compare)."""
    if row is None or row.summary is None:
        return None
    line = pf.number_line(row.number, row.doc_type, issuer_code) if row.number else None
    return PreviousReport(as_of=row.as_of, number_line=line, summary=row.summary)


class _Builder:
    """Builds the planned documents of one request (one per kind method)."""

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
    ) -> None:
        self.s, self.settings, self.scope, self.root = session, settings, scope, root
        self.result, self.status, self.plan, self.as_of = result, result.document, plan, as_of
        self.term = term
        self.units = _records(result.units)
        self.names = {i: str(r["name"]) for i, r in self.units.items()}

    def doc(self, head: pf.DocumentHead) -> dict[str, Any]:
        return pf.doc_context(
            head,
            issuer=self.settings.issuer,
            as_of=self.as_of,
            number=None,
            term=self.settings.term,
        )

    def report_head(self, subject: str) -> pf.DocumentHead:
        return pf.DocumentHead(pf.REPORT, "Báo cáo", subject, list(self.settings.issuer.recipients))

    def one(
        self,
        kind: str,
        subject: str,
        context: dict[str, Any],
        about: OrgRef | None = None,
        **extra: Any,
    ) -> PlannedDocument:
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

    def progress(self) -> list[PlannedDocument]:
        previous = _previous(self.s, self.scope, self.as_of, self.settings.issuer.code)
        return [self.progress_of(self.scope, self.status, previous)]

    def progress_of(
        self, org: OrgRef, status: Mapping[str, Any], previous: PreviousReport | None
    ) -> PlannedDocument:
        """The progress report of `org` from its status document (the whole one, or the part
        unit_statuses cuts from a wider scope's: both give the same document)."""
        subject = (
            f"Tiến độ chuẩn bị đại hội đảng bộ, chi bộ nhiệm kỳ {term_label(self.settings.term)}"
            f"{_suffix(org, self.root)}"
        )
        has_chart = bool(status["units"])
        ctx = context_status.build_progress_context(
            doc=self.doc(self.report_head(subject)),
            status=status,
            scope_name=org.name,
            previous=previous,
            has_chart=has_chart,
        )
        images = {"stages": charts.stages_chart(status["stages"])} if has_chart else {}
        return self.one(
            "progress",
            subject,
            ctx,
            about=org,
            images=images,
            summary=context_status.progress_summary(status),
        )

    def unit_statuses(self, orgs: Sequence[OrgRef]) -> dict[int, dict[str, Any]]:
        """For each org at or under this scope, the parts of status(scope=org) that a progress
        report reads ("stages", "self", "units"), cut from this scope's status instead of
        computed again: a unit's own entries do not depend on the scope; its descendants, in
        tree order, are the block right after it in this document's units (tree order is by
        the codes along the path, so they share its prefix and nothing else does); its stage
        summaries are its subtree sums. Entries are shared, not copied ("depth" stays
        relative to this scope: the report does not read it)."""
        units: list[dict[str, Any]] = self.status["units"]
        position = {u["code"]: i for i, u in enumerate(units)}
        path_of = dict(zip(self.result.units["code"], self.result.units["path"], strict=True))
        ids = [o.id for o in orgs]
        # Plain rows, not a Series per unit and stage: _summary only reads row[column].
        sums = {
            s: cast(dict[int, "pd.Series[Any]"], self.result.subtree[s].loc[ids].to_dict("index"))
            for s in STAGES
        }
        out: dict[int, dict[str, Any]] = {}
        for org in orgs:
            if org.id == self.scope.id:
                own, block = self.status["self"], units
            else:
                start = position[org.code] + 1
                end = start
                while end < len(units) and path_of[units[end]["code"]].startswith(org.path):
                    end += 1
                own = {"code": org.code, "stages": units[start - 1]["stages"]}
                block = units[start:end]
            out[org.id] = {
                "org": org.code,
                "stages": {s: _summary(sums[s][org.id], len(block), s) for s in STAGES},
                "self": own,
                "units": block,
            }
        return out

    def targets(self) -> list[PlannedDocument]:
        year = self.status["year"]
        subject = (
            f"Kết quả thực hiện các chỉ tiêu Chủ đề năm {year if year else ''}".strip()
            + _suffix(self.scope, self.root)
        )
        has_chart = bool(self.status["targets"])
        ctx = context_status.build_targets_context(
            doc=self.doc(self.report_head(subject)),
            status=self.status,
            scope_name=self.scope.name,
            has_chart=has_chart,
        )
        images = {"targets": charts.targets_chart(self.status["targets"])} if has_chart else {}
        return [self.one("targets", subject, ctx, images=images)]

    def reminders(self) -> list[PlannedDocument]:
        ids = _ids(self.result)
        subject = "V/v đôn đốc hoàn thành các nội dung chuẩn bị đại hội"
        docs = []
        for unit in context_status.overdue_units(self.status):
            head = pf.DocumentHead(pf.LETTER, "", subject, ["Như trên"], addressee=unit["name"])
            ctx = context_status.build_reminder_context(
                doc=self.doc(head), unit=unit, as_of=self.as_of
            )
            docs.append(
                PlannedDocument(
                    kind="reminders",
                    template="reminders",
                    subject_id=ids[unit["code"]],
                    subject_code=unit["code"],
                    doc_type=pf.LETTER,
                    context=ctx,
                    title=subject,
                )
            )
        return docs

    def personnel(self) -> list[PlannedDocument]:
        rows = queries.candidates_of(self.s, org_id=self.scope.id, as_of=self.as_of)
        return [self.unit_personnel(self.scope, rows)]

    def unit_personnel(
        self, org: OrgRef, candidates: Sequence[queries.CandidateRow]
    ) -> PlannedDocument:
        """A unit's own list, from its row of this status (any scope at or above it gives the
        same row) and its candidates."""
        row = self.units[org.id]
        unit = context_records.UnitFacts(
            name=org.name,
            level=str(row["level"]),
            congress_date=_date(row["congress_date"]),
            committee_size=_opt_int(row["committee_size"]),
            contents=_opt_int(row["contents"]) or 4,
        )
        subject = (
            f"Nhân sự dự kiến cấp ủy khóa mới của {org.name}, nhiệm kỳ "
            f"{term_label(self.settings.term)}"
        )
        ctx = context_records.build_personnel_context(
            doc=self.doc(self.report_head(subject)),
            unit=unit,
            plan=self.plan,
            candidates=candidates,
            as_of=self.as_of,
        )
        return self.one("personnel", subject, ctx, about=org)

    def personnel_subtree(self) -> list[PlannedDocument]:
        judged = _records(self.result.per_stage["personnel"])
        rows = []
        for org_id in _judged_units(self.result, self.scope):
            j = judged[org_id]
            rows.append(
                {
                    "name": self.names[org_id],
                    "committee_size": _opt_int(self.units[org_id]["committee_size"]),
                    "required": int(j["required"]),
                    "passed": int(j["passed"]),
                    "nu": int(j["nu"]),
                    "duoi_40": int(j["duoi_40"]),
                    "dan_toc": int(j["dan_toc_thieu_so"]),
                    "lan_dau": int(j["lan_dau"]),
                    "tren_dh": int(j["tren_dai_hoc"]),
                    "state": str(j["state"]),
                }
            )
        subject = (
            f"Tổng hợp nhân sự dự kiến cấp ủy khóa mới nhiệm kỳ {term_label(self.settings.term)}"
            f"{_suffix(self.scope, self.root)}"
        )
        ctx = context_records.build_personnel_subtree_context(
            doc=self.doc(self.report_head(subject)), scope_name=self.scope.name, rows=rows
        )
        return [self.one(SUBTREE_KIND, subject, ctx, template="personnel_subtree")]

    def inspections(self) -> list[PlannedDocument]:
        path = self.scope.path
        subject = (
            f"Kết quả kiểm tra, giám sát phục vụ đại hội nhiệm kỳ {term_label(self.settings.term)}"
            f"{_suffix(self.scope, self.root)}"
        )
        ctx = context_records.build_inspections_context(
            doc=self.doc(self.report_head(subject)),
            scope_name=self.scope.name,
            stage=self.status["stages"]["inspections"],
            names=self.names,
            units=_judged_units(self.result, self.scope),
            inspections=queries.inspections_of(self.s, scope_path=path, as_of=self.as_of),
            pending=queries.pending_remedies(self.s, scope_path=path, as_of=self.as_of),
        )
        return [self.one("inspections", subject, ctx)]

    def feedback(self) -> list[PlannedDocument]:
        path = self.scope.path
        draft_row = self.s.execute(stage_queries.current_draft_query(scope_path=path)).first()
        subject = (
            "Tổng hợp, tiếp thu, giải trình ý kiến góp ý dự thảo Báo cáo chính trị"
            f"{_suffix(self.scope, self.root)}"
        )
        draft = None
        sections: list[queries.SectionRow] = []
        comments: list[queries.CommentRow] = []
        submissions: list[queries.SubmissionRow] = []
        if draft_row is not None:
            draft = {"title": draft_row.title, "deadline": draft_row.deadline}
            sections = queries.draft_sections(self.s, draft_id=draft_row.id)
            comments = queries.comments_of(
                self.s, draft_id=draft_row.id, scope_path=path, as_of=self.as_of
            )
            submissions = queries.submissions_of(
                self.s, draft_id=draft_row.id, scope_path=path, as_of=self.as_of
            )
        ctx = context_records.build_feedback_context(
            doc=self.doc(self.report_head(subject)),
            scope_name=self.scope.name,
            draft=draft,
            sections=sections,
            comments=comments,
            submissions=submissions,
            names=self.names,
            units=_judged_units(self.result, self.scope),
        )
        return [self.one("feedback", subject, ctx)]

    def training(self) -> list[PlannedDocument]:
        path = self.scope.path
        units = [
            (org_id, self.names[org_id], _opt_int(self.units[org_id]["committee_size"]))
            for org_id in _judged_units(self.result, self.scope)
        ]
        query = stage_queries.course_roles_query(as_of=self.as_of)
        roles = [(int(c), r) for c, r, _required_from in self.s.execute(query)]
        subject = f"Kết quả tập huấn nghiệp vụ công tác đại hội{_suffix(self.scope, self.root)}"
        ctx = context_records.build_training_context(
            doc=self.doc(self.report_head(subject)),
            scope_name=self.scope.name,
            stage=self.status["stages"]["training"],
            sessions=queries.sessions_by(self.s, as_of=self.as_of),
            attendance=queries.attendance_counts(self.s, scope_path=path, as_of=self.as_of),
            units=units,
            course_roles=roles,
            satisfied=queries.satisfied_pairs(self.s, scope_path=path, as_of=self.as_of),
            titles=queries.course_titles(self.s),
        )
        return [self.one("training", subject, ctx)]


def _builder(
    session: Session,
    *,
    settings: Settings,
    scope: OrgRef,
    as_of: date,
    plan: str | None,
    year: int | None,
) -> _Builder:
    """The status of the scope and everything the builder needs besides."""
    root = find_root(session)
    result = status_result(session, scope=scope.code, as_of=as_of, plan=plan, year=year)
    chosen = packaged_plans()[result.document["plan"]]
    term = archive.term_on(session, root_id=root.id, term=settings.term, day=as_of)
    return _Builder(session, settings, scope, root, result, chosen, as_of, term)


def plan_documents(
    session: Session,
    *,
    settings: Settings,
    kind: str,
    scope: str | None,
    as_of: date,
    plan: str | None,
    year: int | None,
    subtree: bool,
) -> ResolvedRequest:
    """Resolve a request into documents with their contexts (one read transaction)."""
    ref = resolve_scope(session, code=scope)
    builder = _builder(session, settings=settings, scope=ref, as_of=as_of, plan=plan, year=year)
    method = "personnel_subtree" if kind == "personnel" and subtree else kind
    documents: list[PlannedDocument] = getattr(builder, method)()
    return ResolvedRequest(
        scope=ref, plan=builder.plan.name, term=builder.term, documents=documents
    )


def _nearest_common(session: Session, units: Sequence[OrgRef]) -> OrgRef:
    """The lowest organisation at or above every unit (materialised paths share its prefix)."""
    paths = [u.path.rstrip("/").split("/") for u in units]
    common = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    by_id = {str(u.id): u for u in units}
    if common and common[-1] in by_id:
        return by_id[common[-1]]
    found = queries.active_org(session, org_id=int(common[-1])) if common else None
    return found or find_root(session)


def _refs(session: Session, units: Sequence[str]) -> dict[int, OrgRef]:
    """The active units with these codes, each once, in the order given."""
    found = orgs_by_code(session, codes=units)
    refs: dict[int, OrgRef] = {}
    for code in units:
        unit = found.get(code.strip().upper())
        if unit is None:
            raise UnknownOrganisation(code)
        if not unit.active:
            raise UserError(f"Đơn vị {unit.code} không còn hoạt động.")
        refs.setdefault(unit.id, unit)
    return refs


def _by_draft(session: Session, refs: Sequence[OrgRef]) -> list[tuple[OrgRef, list[OrgRef]]]:
    """The units grouped by the current draft each one's own status would judge feedback
    against (the nearest at or above it), each group with the scope whose status judges every
    unit of it as its own would: the group's nearest common scope, which then has the same
    draft (usually one group). Should that scope fall back to the root (its organisation is
    no longer active) and the root have another draft, each unit of the group is its own."""
    drafts = queries.current_drafts(session)
    groups: dict[int | None, list[OrgRef]] = {}
    for ref in refs:
        groups.setdefault(queries.draft_of(ref.path, drafts), []).append(ref)
    out: list[tuple[OrgRef, list[OrgRef]]] = []
    for draft, group in groups.items():
        common = _nearest_common(session, group)
        if queries.draft_of(common.path, drafts) == draft:
            out.append((common, group))
        else:
            out.extend((ref, [ref]) for ref in group)
    return out


def _unit_progress(
    session: Session,
    refs: Sequence[OrgRef],
    *,
    settings: Settings,
    as_of: date,
    plan: str | None,
) -> dict[int, ResolvedRequest]:
    """Each unit's progress report, from one status per draft group and one archive lookup
    (per IN_CHUNK units) for the previous reports."""
    rows = archive.latest_archived_of_scopes(
        session, kind="progress", scope_ids=[r.id for r in refs], before=as_of
    )
    out: dict[int, ResolvedRequest] = {}
    for common, group in _by_draft(session, refs):
        builder = _builder(
            session, settings=settings, scope=common, as_of=as_of, plan=plan, year=None
        )
        statuses = builder.unit_statuses(group)
        for ref in group:
            previous = _previous_of(rows.get(ref.id), settings.issuer.code)
            doc = builder.progress_of(ref, statuses[ref.id], previous)
            out[ref.id] = ResolvedRequest(
                scope=ref, plan=builder.plan.name, term=builder.term, documents=[doc]
            )
    return out


def _unit_personnel(
    session: Session,
    refs: Sequence[OrgRef],
    *,
    settings: Settings,
    as_of: date,
    plan: str | None,
) -> dict[int, ResolvedRequest]:
    """Each unit's personnel list, from one status (of the units' nearest common scope) and
    one candidates query for all of them."""
    common = _nearest_common(session, refs)
    builder = _builder(session, settings=settings, scope=common, as_of=as_of, plan=plan, year=None)
    candidates = queries.candidates_of_units(session, org_ids=[r.id for r in refs], as_of=as_of)
    return {
        ref.id: ResolvedRequest(
            scope=ref,
            plan=builder.plan.name,
            term=builder.term,
            documents=[builder.unit_personnel(ref, candidates[ref.id])],
        )
        for ref in refs
    }


UNIT_KINDS = ("personnel", "progress")


def plan_unit_documents(
    session: Session,
    *,
    settings: Settings,
    kind: str,
    units: Sequence[str],
    as_of: date,
    plan: str | None,
) -> list[ResolvedRequest]:
    """Each unit's own document of a kind (personnel, progress), each as
    plan_documents(scope=unit) resolves it, from one status computation (of the units'
    nearest common scope) rather than one per unit, and set-based queries for the rest.
    Units in the order given, each once."""
    if kind not in UNIT_KINDS:
        raise ValueError(f"no per-unit batch for {kind!r}")
    refs = _refs(session, units)
    if not refs:
        return []
    build = _unit_progress if kind == "progress" else _unit_personnel
    planned = build(session, list(refs.values()), settings=settings, as_of=as_of, plan=plan)
    return [planned[org_id] for org_id in refs]
