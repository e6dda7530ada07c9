"""What every domain's Prefect tasks share: retries only on a busy database, unwalked arguments.

Writing tasks never cache (PrefectHQ/prefect#14236); retries only on a busy or conflicting
database, never on bad data.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from prefect import Task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.utilities.annotations import quote

T = TypeVar("T")

TRANSIENT_MARKERS = (
    "database is locked",
    "database is busy",
    "could not serialize",
    "deadlock detected",
)


def retry_when_busy(_task: Task[Any, Any], _run: TaskRun, state: State[Any]) -> bool:
    """Retry only when the database was busy or a transaction conflicted."""
    try:
        state.result()
    except Exception as e:  # the failed task's exception, re-raised by result()
        return any(marker in str(e).lower() for marker in TRANSIENT_MARKERS)
    return False


def as_is(value: T) -> T:
    """A task argument Prefect passes through without walking it (prefect's `quote`), typed as
    the value itself. For the status document: walking its ~10⁶ values looking for futures
    cost more than the tasks themselves at city scale."""
    return cast(T, quote(value))


DB_RETRY: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [1, 2, 4],
    "retry_condition_fn": retry_when_busy,
    "cache_policy": NO_CACHE,
}
