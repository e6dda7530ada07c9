"""Every report kind, one module each (its queries, its context builder, its planner), and the
one explicit registry of them (kind code → kind), in the order `daihoi report` lists them."""

from __future__ import annotations

from tasks.reports.kinds import (
    delegates,
    feedback,
    inspections,
    personnel,
    progress,
    reminders,
    targets,
    training,
)
from tasks.reports.planning import Kind

KINDS: dict[str, Kind] = {
    "progress": progress.KIND,
    "personnel": personnel.KIND,
    "inspections": inspections.KIND,
    "feedback": feedback.KIND,
    "training": training.KIND,
    "targets": targets.KIND,
    "reminders": reminders.KIND,
    "delegates": delegates.KIND,
}
