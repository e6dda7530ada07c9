"""Status of a scope as of a date: the contract of `daihoi status --json` (DESIGN.md, schema 1).

fetch (one set-based query per stage) → judge each stage per unit → milestones → rollup over
the tree → JSON. Plain functions: the CLI calls them directly, the flows through tasks.status.steps.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Executable, select
from sqlalchemy.orm import Session

from models import stages as q
from models.enums import OrgKind, OrgStatus
from models.org import Organisation
from models.queries import OrgRef, parent_code, resolve_scope
from models.settings import get_settings
from models.snapshot import beside
from tasks.core.errors import UsageError
from tasks.core.plans import STAGES, Plan, choose_plan
from tasks.status import feasibility, judge, milestones, targets
from tasks.status.rollup import subtree_sums

SCHEMA_VERSION = 1
COUNT_COLUMNS = ("applicable", "done", "overdue", "at_risk", "on_track", "not_started")
FEEDBACK_EXTRAS = ("late", "comments", "answered")
# Per-stage columns summed over the tree beside the counts (personnel: units short of people).
STAGE_SUMS = {"feedback": FEEDBACK_EXTRAS, "personnel": ("short",)}
DATE_COLUMNS = (
    "planned_date",
    "held_date",
    "passed_on",
    "birth_date",
    "started_on",
    "concluded_on",
    "last_verified",
    "submitted_on",
    "first_on",
    "required_from",
    "effective_from",
    "last_first",
)
PIPELINE_COLUMNS = tuple(f"pipe_{c}" for c in q.CATEGORY_FLAGS)
LEVEL_OF_KIND = {k.value: k.level for k in OrgKind}
LABEL_OF_KIND = {k.value: k.label for k in OrgKind}
# From this many units, status reads its personnel and inspection facts on a second connection
# meanwhile (models.snapshot): below it, a thread and a second transaction cost more than they
# save.
SPLIT_READS_FROM_UNITS = 2_000


@dataclass
class StatusInputs:
    """Everything the status rules read, fetched in one pass (a handful of queries)."""

    scope: OrgRef
    as_of: date
    units: pd.DataFrame
    personnel: pd.DataFrame
    passed: pd.DataFrame  # per unit and day a candidate passed: how many, per category
    inspections: pd.DataFrame
    draft_id: int | None
    draft_deadline: date | None
    draft_scope_id: int | None
    feedback: pd.DataFrame
    course_roles: pd.DataFrame
    attendance: pd.DataFrame  # per unit and role: courses attended, the latest late first
    overrides: pd.DataFrame
    year: int | None
    year_figures: pd.DataFrame
    # The scope's parent's code: a leaf scope's own row names it (None for the root).
    scope_parent: str | None = None


@dataclass
class StatusResult:
    """The JSON document plus the frames reports and artifacts build on."""

    document: dict[str, Any]
    units: pd.DataFrame
    per_stage: dict[str, pd.DataFrame] = field(default_factory=dict)
    subtree: dict[str, pd.DataFrame] = field(default_factory=dict)
    scope: OrgRef | None = None


def _frame(session: Session, stmt: Executable) -> pd.DataFrame:
    """A statement's rows as a frame, fetched from the driver's cursor: no per-value result
    processing (enums stay their text values; dates become datetime64 here, in one pass)."""
    result = session.connection().execute(stmt)
    try:
        columns = list(result.keys())
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for col in frame.columns:
        if col in DATE_COLUMNS:
            values = frame[col]
            # SQLite hands back a DATE as its ISO text; PostgreSQL as a date.
            first = values.dropna().head(1).tolist()
            iso = bool(first) and isinstance(first[0], str)
            frame[col] = pd.to_datetime(values, format="%Y-%m-%d" if iso else None)
    return frame


def _personnel_frames(groups: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """candidates_query's groups as the personnel rule's two frames: the days candidates passed
    step 5 (`id`, `passed_on`, `n`, categories) and per unit its active candidates, their
    steps summed and its pipeline per category (`pipe_…`, its group without a day)."""
    flags = list(q.CATEGORY_FLAGS)
    is_day = groups["passed_on"].notna()
    passed = groups.loc[is_day, ["id", "passed_on", "n", *flags]]
    counts = groups[["id", "n", "step_sum"]].astype("int64").groupby("id", sort=True).sum()
    pipeline = groups.loc[~is_day, ["id", *flags]].astype("int64").set_index("id")
    pipeline.columns = pd.Index(PIPELINE_COLUMNS)
    personnel = (
        counts.rename(columns={"n": "candidates"})
        .join(pipeline, how="left")
        .fillna(0)
        .astype("int64")
        .reset_index()
    )
    return passed, personnel


def fetch_inputs(
    session: Session, *, scope: OrgRef, as_of: date, plan: Plan, year: int | None
) -> StatusInputs:
    """Run the stage queries for every unit at or under the scope: for a large scope, the
    personnel and inspection ones on a second connection of the same snapshot meanwhile."""
    path = scope.path
    term = get_settings().term
    units = _frame(session, q.units_query(scope_path=path, term=term))
    age = q.AgeReference(
        term=term,
        reference={k: plan.age_reference(k.level) for k in OrgKind},
        default_congress={k: plan.default_congress(k.level) for k in OrgKind},
    )

    def personnel_and_inspections(s: Session) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        passed, personnel = _personnel_frames(
            _frame(s, q.candidates_query(scope_path=path, as_of=as_of, age=age))
        )
        inspections = _frame(s, q.inspections_query(scope_path=path, as_of=as_of, term=term))
        return passed, personnel, inspections

    with beside(
        session, personnel_and_inspections, parallel=len(units) >= SPLIT_READS_FROM_UNITS
    ) as split:
        units["level"] = units["kind"].map(LEVEL_OF_KIND)
        defaults = units["level"].map(lambda lv: plan.default_congress(lv))
        units["congress_date"] = units["planned_date"].fillna(pd.to_datetime(defaults))
        # The day each unit's dated facts are read up to (the stage queries' own `q.cutoff`).
        day = pd.Timestamp(as_of)
        units["cutoff"] = units["held_date"].where(units["held_date"] < day, day)
        draft = session.execute(q.current_draft_query(scope_path=path)).first()
        draft_id = draft.id if draft else None
        feedback = (
            _frame(
                session,
                q.feedback_query(scope_path=path, as_of=as_of, term=term, draft_id=draft_id),
            )
            if draft_id is not None
            else pd.DataFrame(columns=["id", "submitted_on", "comments", "answered"])
        )
        if year is None:
            year = session.scalar(q.latest_year_query(scope_path=path, as_of=as_of))
        figures = (
            _frame(session, q.year_figures_query(scope_path=path, year=year))
            if year is not None
            else pd.DataFrame()
        )
        course_roles = _frame(session, q.course_roles_query(as_of=as_of))
        attendance = _frame(session, q.training_query(scope_path=path, as_of=as_of, term=term))
        overrides = _frame(session, q.overrides_query(scope_path=path, as_of=as_of, term=term))
        scope_parent = parent_code(session, org=scope)
        passed, personnel, inspections = split()
    return StatusInputs(
        scope=scope,
        as_of=as_of,
        units=units,
        personnel=personnel,
        passed=passed,
        inspections=inspections,
        draft_id=draft_id,
        draft_deadline=draft.deadline if draft else None,
        draft_scope_id=draft.scope_org_id if draft else None,
        feedback=feedback,
        course_roles=course_roles,
        attendance=attendance,
        overrides=overrides,
        year=year,
        year_figures=figures,
        scope_parent=scope_parent,
    )


# The judged stages of the same scope and plan on an earlier day (for done overrides).
Earlier = Callable[[date], dict[str, pd.DataFrame]]


def _run_starts(overrides: pd.DataFrame, stage: str, earlier: Earlier | None) -> pd.Series | None:
    """Per unit with a `done` override in force: where its run of done days on the day before
    the override's date began (NaT if not done then), judged as of that day."""
    forced = milestones.done_overrides(overrides)
    if earlier is None or forced.empty:
        return None
    starts = pd.Series(pd.NaT, index=forced.index, dtype="datetime64[ns]")
    for effective in pd.to_datetime(forced).unique():
        ids = forced.index[pd.to_datetime(forced) == effective]
        day = (effective - pd.Timedelta(days=1)).date()
        before = pd.to_datetime(earlier(day)[stage].set_index("id")["done_on"])
        starts.loc[ids] = before.reindex(ids).to_numpy(dtype="datetime64[ns]")
    return starts


def judge_all(
    inputs: StatusInputs, plan: Plan, earlier: Earlier | None = None
) -> dict[str, pd.DataFrame]:
    """Each stage's own figures and milestone state for every unit (scope included); `earlier`
    judges the day before a done override's date, so the override joins a run of done days
    that was under way then (else it starts one)."""
    u = inputs.units
    deadline = pd.Timestamp(inputs.draft_deadline) if inputs.draft_deadline else None
    raw = {
        "personnel": feasibility.add_feasibility(
            judge.personnel(u, inputs.personnel, inputs.passed, plan), plan
        ),
        "inspections": judge.inspections(u, inputs.inspections),
        "feedback": judge.feedback(u, inputs.feedback, deadline, inputs.draft_scope_id),
        "training": judge.training(u, inputs.course_roles, inputs.attendance),
    }
    out: dict[str, pd.DataFrame] = {}
    for stage, frame in raw.items():
        ov = inputs.overrides
        ov = ov[ov["stage"] == stage] if len(ov) else ov
        frame = milestones.apply_overrides(frame, ov, _run_starts(ov, stage, earlier))
        due = milestones.due_dates(u, plan, stage, inputs.draft_deadline)
        judged = milestones.judge_states(frame, due, inputs.as_of, plan.at_risk_days.value)
        judged = milestones.congress_held(judged, u, inputs.as_of)
        for state in COUNT_COLUMNS[1:]:
            judged[state] = ((judged["state"] == state) & judged["applicable"]).astype("int64")
        judged["applicable"] = judged["applicable"].astype("int64")
        judged["progress_sum"] = (
            judged["progress"].fillna(0.0).where(judged["applicable"] == 1, 0.0)
        )
        if stage == "feedback":
            judged["late"] = judged["late"].astype("int64")
        if stage == "personnel":
            judged["short"] = (
                (judged["applicable"] == 1) & (judged["done"] == 0) & judged["short_any"]
            ).astype("int64")
        out[stage] = judged
    return out


def _iso(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):  # pd.NaT is not a Timestamp: returned None above
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else round(float(num) / float(den), 4)


def stage_summary(row: pd.Series, units: int, stage: str) -> dict[str, Any]:
    """A stage's summary over `units` units from its subtree sums (`row`: the count columns,
    progress_sum and, for feedback, its extras): the "stages" entries of a status document."""
    out: dict[str, Any] = {"units": units}
    for col in COUNT_COLUMNS:
        out[col] = int(row[col])
    out["progress"] = _ratio(row["progress_sum"], row["applicable"])
    if stage == "feedback":
        for col in FEEDBACK_EXTRAS:
            out[col] = int(row[col])
    if stage == "personnel" and "short" in row:  # a Series (its index) or a plain row
        out["short_units"] = int(row["short"])
    return out


EXTRAS: dict[str, tuple[str, ...]] = {
    "personnel": ("required", "passed", "candidates"),
    "inspections": ("inspections", "concluded", "remedies", "verified"),
    "feedback": ("comments", "answered"),
    "training": ("pairs", "satisfied"),
}


def _iso_column(column: pd.Series) -> list[str | None]:
    """_iso of every value of a column; vectorised for datetime columns."""
    if pd.api.types.is_datetime64_dtype(column.dtype):
        # One Python str per distinct day, shared by its rows (a national stage: ~60,000
        # rows, a few hundred days), made in C.
        days, rows = np.unique(column.to_numpy().astype("datetime64[D]"), return_inverse=True)
        texts = np.datetime_as_string(days).astype(object)
        texts[np.isnat(days)] = None
        out: list[str | None] = texts[rows.reshape(-1)].tolist()
        return out
    return [_iso(v) for v in column.tolist()]


def _missing(value: Any) -> bool:
    """pd.isna for one scalar, without its dispatch (called per unit and stage)."""
    return (
        value is None
        or value is pd.NaT
        or value is pd.NA
        or (isinstance(value, float) and value != value)  # NaN
    )


def _stage_entries(frame: pd.DataFrame, stage: str, plan: Plan) -> list[dict[str, Any]]:
    """Every unit's entry of a stage, in the frame's row order (columns read once, not per row)."""
    values = frame["progress"].to_numpy(dtype="float64", na_value=np.nan).tolist()
    progress = [None if p != p else round(p, 4) for p in values]  # p != p: NaN
    warnings = [list(w) for w in frame["warnings"].tolist()]
    keys = ["state", "progress", "due", "done_on", "warnings", *EXTRAS[stage]]
    columns: list[list[Any]] = [
        frame["state"].tolist(),
        progress,
        _iso_column(frame["due"]),
        _iso_column(frame["done_on"]),
        warnings,
        *(frame[col].astype("int64").tolist() for col in EXTRAS[stage]),
    ]
    if stage == "feedback":
        keys.append("late")
        columns.append(frame["late"].astype(bool).tolist())
    out = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
    if stage == "personnel":
        for entry, feas in zip(out, feasibility.entries(frame, plan), strict=True):
            if feas is not None:
                entry["feasibility"] = feas
    return out


def _tree_order(units: pd.DataFrame) -> list[int]:
    """Row positions in tree order: depth first, siblings by code. A unit's key is the codes
    from the root down to it joined by NUL (which sorts before any character of a code, so
    the keys sort as the tuples of codes would); units come in path order, so a parent's key
    is usually built already and a unit adds its own code to it."""
    code_of = dict(zip(units["id"].tolist(), units["code"].tolist(), strict=True))
    built: dict[str, str] = {}
    keys: list[str] = []
    for path in units["path"].tolist():
        cut = path.rfind("/", 0, len(path) - 1) + 1  # 0 for a root's path
        parent, own = path[:cut], code_of.get(int(path[cut:-1]), "")
        head = built.get(parent)
        if head is None and parent:
            head = "\0".join(code_of.get(int(a), "") for a in parent.rstrip("/").split("/"))
        key = own if head is None else f"{head}\0{own}"
        built[path] = key
        keys.append(key)
    return sorted(range(len(keys)), key=keys.__getitem__)


def build_status(inputs: StatusInputs, plan: Plan, earlier: Earlier | None = None) -> StatusResult:
    """Judge, roll up and shape the status document."""
    per_stage = judge_all(inputs, plan, earlier)
    target_entries: list[dict[str, Any]] = []
    if inputs.year is not None:
        target_entries = targets.summarise(
            targets.contributions(inputs.units, inputs.year_figures), plan, inputs.year
        )
    units, scope, scope_parent = inputs.units, inputs.scope, inputs.scope_parent
    year, as_of = inputs.year, inputs.as_of
    # The stage frames are judged: when the caller handed over its only reference
    # (status_result), they are freed before the document's ~10⁶ objects are made.
    del inputs
    scope_id = scope.id
    sub = units[units["id"] != scope_id]
    cols = [*COUNT_COLUMNS, "progress_sum"]
    # Every stage's figures side by side (columns "stage:name"), summed over the tree at once.
    stage_cols = {s: [*cols, *STAGE_SUMS.get(s, ())] for s in STAGES}
    own_all = pd.concat(
        [per_stage[s].set_index("id")[c].add_prefix(f"{s}:") for s, c in stage_cols.items()],
        axis=1,
    ).reset_index()
    sums_all = subtree_sums(units, own_all, list(own_all.columns[1:]))
    subtree: dict[str, pd.DataFrame] = {}
    stages_json: dict[str, Any] = {}
    # "A scope with no units" (a leaf): its own figures are its one row, summaries included.
    leaf = sub.empty
    summed = own_all.set_index("id") if leaf else sums_all
    for stage, c in stage_cols.items():
        sums = sums_all[[f"{stage}:{x}" for x in c]]
        sums.columns = pd.Index(c)
        subtree[stage] = sums
        row = cast("pd.Series[Any]", summed.loc[scope_id, [f"{stage}:{x}" for x in c]]).set_axis(c)
        stages_json[stage] = stage_summary(row, 1 if leaf else len(sub), stage)

    scope_pos = int(np.flatnonzero(units["id"].to_numpy() == scope_id)[0])
    entries = {s: _stage_entries(per_stage[s], s, plan) for s in STAGES}
    self_json = {
        "code": scope.code,
        "stages": {s: entries[s][scope_pos] for s in STAGES},
    }
    ids = units["id"].tolist()
    codes = units["code"].tolist()
    names = units["name"].tolist()
    kinds = units["kind"].tolist()
    parents = units["parent_id"].tolist()
    depths = units["depth"].tolist()
    congress = _iso_column(units["congress_date"])
    code_of = dict(zip(ids, codes, strict=True))
    unit_list: list[dict[str, Any]] = []
    for i in _tree_order(units):
        if ids[i] == scope_id and not leaf:
            continue
        parent = parents[i]
        if ids[i] == scope_id:  # a leaf's own row: its real parent (outside the scope's rows)
            parent_of = scope_parent
        else:
            parent_of = None if _missing(parent) else code_of.get(int(parent))
        unit_list.append(
            {
                "code": codes[i],
                "name": names[i],
                "kind": LABEL_OF_KIND[kinds[i]],
                "parent": parent_of,
                "depth": int(depths[i]) - int(scope.depth),
                "congress_date": congress[i],
                "stages": {s: entries[s][i] for s in STAGES},
            }
        )
    document = {
        "schema": SCHEMA_VERSION,
        "as_of": as_of.isoformat(),
        "org": scope.code,
        "plan": plan.name,
        "year": year,
        "stages": stages_json,
        "self": self_json,
        "targets": target_entries,
        "units": unit_list,
    }
    return StatusResult(
        document=document, units=units, per_stage=per_stage, subtree=subtree, scope=scope
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while status builds its rows and documents: a
    national scope makes ~10⁶ short-lived containers and no reference cycles, and the
    collections they trigger cost a third of the build. Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class InactiveScope(UsageError):
    """The scope names a dissolved or merged organisation: it has no preparation to follow."""


def inactive_scope_text(session: Session, ref: OrgRef) -> str:
    """One line saying a scope is no longer active, and where a merged one went."""
    if ref.status == OrgStatus.MERGED:
        into = session.scalar(
            select(Organisation.code).where(
                Organisation.id
                == select(Organisation.merged_into_id)
                .where(Organisation.id == ref.id)
                .scalar_subquery()
            )
        )
        where = f" vào đơn vị '{into}'" if into else ""
        return (
            f"Đơn vị '{ref.code}' đã sáp nhập{where}, không còn chuẩn bị đại hội: "
            f"hãy chọn một đơn vị đang hoạt động{f' (như {into})' if into else ''}."
        )
    return (
        f"Đơn vị '{ref.code}' đã giải thể, không còn chuẩn bị đại hội: "
        "hãy chọn một đơn vị đang hoạt động."
    )


def status_result(
    session: Session,
    *,
    scope: str | None,
    as_of: date,
    plan: str | None = None,
    year: int | None = None,
) -> StatusResult:
    """The status of a scope (its code, else the root) as of a date, with its frames."""
    ref = resolve_scope(session, code=scope)
    if not ref.active:
        raise InactiveScope(inactive_scope_text(session, ref))
    chosen = choose_plan(plan, as_of)
    judged: dict[date, dict[str, pd.DataFrame]] = {}

    def earlier(day: date) -> dict[str, pd.DataFrame]:
        # One set-based judgement of the scope per distinct override date, each day once.
        if day not in judged:
            past = fetch_inputs(session, scope=ref, as_of=day, plan=chosen, year=year)
            judged[day] = judge_all(past, chosen, earlier)
        return judged[day]

    with gc_paused():
        # No name of ours holds the inputs: build_status frees their stage frames once judged.
        return build_status(
            fetch_inputs(session, scope=ref, as_of=as_of, plan=chosen, year=year), chosen, earlier
        )


def compute_status(
    session: Session,
    *,
    scope: str | None,
    as_of: date,
    plan: str | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """The `daihoi status --json` document (schema 1) for a scope as of a date."""
    return status_result(session, scope=scope, as_of=as_of, plan=plan, year=year).document


def subtree_summary(result: StatusResult, *, org_id: int, org_path: str) -> dict[str, Any]:
    """The stage summary `status --org` of an organisation inside a result's scope gives, read
    off that result's subtree sums (the same rollup, shaped by the same function). Equal to
    computing it anew whenever the organisation's units are judged on the same inputs in both
    (the same current draft: see tasks.status.memo)."""
    units = int(result.units["path"].str.startswith(org_path).sum()) - 1
    if units == 0:  # a leaf: its own figures are its one row
        return {
            stage: stage_summary(
                cast("pd.Series[Any]", frame.set_index("id").loc[org_id]), 1, stage
            )
            for stage, frame in result.per_stage.items()
        }
    return {
        stage: stage_summary(result.subtree[stage].loc[[org_id]].iloc[0], units, stage)
        for stage in STAGES
    }
