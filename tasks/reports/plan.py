"""What a report request becomes: one planned document per file, each with its context.

Runs inside one read transaction: the status of the scope (tasks.reports.planning), what the
kind adds to it (its module in tasks.reports.kinds, found in the KINDS registry) and, for a
batch of units, one status for many. Rendering and numbering happen later (tasks.reports.api).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from models.queries import OrgRef, UnknownOrganisation, find_root, orgs_by_code, resolve_scope
from models.settings import Settings
from tasks.core.errors import UserError
from tasks.reports import archive, queries
from tasks.reports.kinds import KINDS, personnel, progress
from tasks.reports.planning import ResolvedRequest, open_request
from tasks.status.delegates import Figures
from tasks.status.trend import (
    DayFrames,
    engine_of,
    remember_subtree,
    subtree_trends,
    trend_days,
    trend_weeks,
    with_units,
)

UNIT_KINDS = ("personnel", "progress")


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
    delegates: Figures | None = None,
) -> ResolvedRequest:
    """Resolve a request into documents with their contexts (one read transaction).
    `delegates` are the figures of the kind `delegates` (T, E, b)."""
    planner = KINDS[kind].planner(subtree=subtree)
    ref = resolve_scope(session, code=scope)
    req = open_request(session, settings=settings, scope=ref, as_of=as_of, plan=plan, year=year)
    req.delegates = delegates
    return ResolvedRequest(scope=ref, plan=req.plan.name, term=req.term, documents=planner(req))


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
        req = open_request(
            session, settings=settings, scope=common, as_of=as_of, plan=plan, year=None
        )
        statuses = progress.unit_statuses(req, group)
        # Only a unit with descendants draws a trend (as it draws the stages chart).
        charted = [ref for ref in group if progress.has_units(statuses[ref.id])]
        # The forecast adds its entries to the status document the unit views share.
        trends = progress.trend_and_forecast(req, charted)
        for ref in group:
            previous = progress.previous_of(rows.get(ref.id), settings.issuer.code)
            trend = trends.get(ref.id, [])
            doc = progress.progress_of(req, ref, statuses[ref.id], previous, trend)
            out[ref.id] = ResolvedRequest(
                scope=ref, plan=req.plan.name, term=req.term, documents=[doc]
            )
    return out


def warm_unit_trends(
    session: Session, *, units: Sequence[str], as_of: date, plan: str | None, days: Sequence[date]
) -> int:
    """File the trend points of these days that the progress reports of these units (as
    plan_unit_documents plans them) draw, from one judgement of each draft group's common
    scope a day: several processes, each given a share of the days, judge the trend of a batch
    once between them instead of each in full. How many points were filed."""
    share = set(days)
    shown = [d for d in trend_days(as_of, trend_weeks(None)) if d in share]
    if not shown:
        return 0
    refs = _refs(session, units)
    filed = 0
    for common, group in _by_draft(session, list(refs.values())):
        frames = DayFrames(session, scope=common, plan=plan)
        units_of_day, _ = frames.get(shown[0])
        charted = with_units(units_of_day, group)
        if not charted:
            continue
        trends = subtree_trends(
            session, scope=common, orgs=charted, as_of=as_of, plan=plan, frames=frames, only=days
        )
        remember_subtree(engine_of(session), trends)
        filed += sum(len(f) for f in trends.fresh.values())
    return filed


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
    req = open_request(session, settings=settings, scope=common, as_of=as_of, plan=plan, year=None)
    candidates = personnel.candidates_of_units(session, org_ids=[r.id for r in refs], as_of=as_of)
    return {
        ref.id: ResolvedRequest(
            scope=ref,
            plan=req.plan.name,
            term=req.term,
            documents=[personnel.unit_personnel(req, ref, candidates[ref.id])],
        )
        for ref in refs
    }


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
