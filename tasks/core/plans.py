"""Plans: versioned rule sets (YAML under templates/plans/), chosen by name or by as_of."""

from __future__ import annotations

import datetime as dt
import hashlib
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from models.enums import Stage
from models.plan import store_plan_versions
from tasks.core.errors import UserError

Level = Literal["duoi-co-so", "co-so", "tren-co-so"]
STAGES = ("personnel", "inspections", "feedback", "training")


class Sourced(BaseModel):
    """A value with the source it was taken from."""

    model_config = ConfigDict(extra="forbid")
    value: int
    source: str = "default (unverified)"


class DatedRule(BaseModel):
    """A date with its source."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    source: str = "default (unverified)"


class DueRule(BaseModel):
    """A milestone's due date: days from the congress, or an absolute date."""

    model_config = ConfigDict(extra="forbid")
    offset_days: int | None = None
    date: dt.date | None = None
    use_draft_deadline: bool = False
    source: str = "default (unverified)"

    def due(self, congress: dt.date | None, draft_deadline: dt.date | None) -> dt.date | None:
        """The due date for a unit with this congress date (None when it cannot be known)."""
        if self.use_draft_deadline and draft_deadline is not None:
            return draft_deadline
        if self.date is not None:
            return self.date
        if self.offset_days is not None and congress is not None:
            return congress + timedelta(days=self.offset_days)
        return None


class StructureTarget(BaseModel):
    """A share of the passed candidates that must hold a category."""

    model_config = ConfigDict(extra="forbid")
    category: Literal["nu", "duoi-40", "lan-dau", "dan-toc-thieu-so", "tren-dai-hoc"]
    min_share: float
    max_share: float | None = None
    source: str = "default (unverified)"

    def required(self, passed: int) -> int:
        """⌈min_share × passed⌉ in exact arithmetic."""
        need = Fraction(str(self.min_share)) * passed
        return -((-need.numerator) // need.denominator)


class TargetRule(BaseModel):
    """A target's operator and threshold."""

    model_config = ConfigDict(extra="forbid")
    op: Literal[">=", ">"]
    threshold: float
    source: str = "default (unverified)"


class Plan(BaseModel):
    """One framework version's rules."""

    model_config = ConfigDict(extra="forbid")
    name: str
    framework: str
    effective_from: date
    source: str = ""
    surplus_min: Sourced
    at_risk_days: Sourced
    milestones: dict[str, dict[str, DueRule]]
    default_congress_dates: dict[str, DatedRule] = Field(default_factory=dict)
    age_reference_dates: dict[str, DatedRule] = Field(default_factory=dict)
    age_cutoffs: dict[str, Sourced] = Field(default_factory=dict)
    structure_targets: list[StructureTarget] = Field(default_factory=list)
    targets: dict[str, TargetRule] = Field(default_factory=dict)
    sha256: str = ""

    def due_rule(self, stage: str, level: str) -> DueRule:
        """The due-date rule of a stage for a level (its own, else the stage's default)."""
        rules = self.milestones.get(stage, {})
        rule = rules.get(level) or rules.get("default")
        if rule is None:
            return DueRule()
        return rule

    def default_congress(self, level: str) -> date | None:
        """The plan's congress date for a level."""
        rule = self.default_congress_dates.get(level)
        return rule.date if rule else None

    def age_reference(self, level: str) -> date | None:
        """The date ages are taken on for a level (None: use the unit's congress date)."""
        rule = self.age_reference_dates.get(level)
        return rule.date if rule else None

    def required_candidates(self, size: int) -> int:
        """⌈size × (100 + p) / 100⌉ in integer arithmetic."""
        return -((-size * (100 + self.surplus_min.value)) // 100)


def _load(text: str) -> Plan:
    data: dict[str, Any] = yaml.safe_load(text)
    data["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Plan.model_validate(data)


@lru_cache(maxsize=1)
def packaged_plans() -> dict[str, Plan]:
    """Every plan shipped under templates/plans/, by name."""
    plans: dict[str, Plan] = {}
    for entry in resources.files("templates.plans").iterdir():
        if entry.name.endswith(".yaml"):
            plan = _load(entry.read_text(encoding="utf-8"))
            plans[plan.name] = plan
    return plans


def choose_plan(name: str | None, as_of: date) -> Plan:
    """`--plan NAME`, else the latest plan whose effective date ≤ as_of (else the earliest)."""
    plans = packaged_plans()
    if name is not None:
        if name not in plans:
            known = ", ".join(sorted(plans))
            raise UserError(f"Không có kế hoạch '{name}'. Các kế hoạch hiện có: {known}.")
        return plans[name]
    ordered = sorted(plans.values(), key=lambda p: p.effective_from)
    eligible = [p for p in ordered if p.effective_from <= as_of]
    return eligible[-1] if eligible else ordered[0]


def _version_row(plan: Plan) -> dict[str, Any]:
    """A plan as its plan_version row with its plan_milestone rows (one per stage and level)."""
    return {
        "name": plan.name,
        "framework": plan.framework,
        "effective_from": plan.effective_from,
        "sha256": plan.sha256,
        "body": plan.model_dump(mode="json", exclude={"sha256"}),
        "milestones": [
            {
                "stage": Stage(stage),
                "level": level,
                "due_date": rule.date,
                "offset_days": rule.offset_days,
                "source": rule.source,
            }
            for stage, rules in plan.milestones.items()
            for level, rule in rules.items()
        ],
    }


def sync_plans(session: Session) -> dict[str, int]:
    """Write the packaged plans into plan_version/plan_milestone (a changed plan file is a new
    version; stored versions are kept as they were); the current version's id by plan name."""
    plans = packaged_plans()
    ids = store_plan_versions(session, [_version_row(p) for p in plans.values()])
    return {name: ids[(name, plan.sha256)] for name, plan in plans.items()}
