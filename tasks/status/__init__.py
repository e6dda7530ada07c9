"""Status as of a date: stage inputs judged, milestones, rollup, targets, the status document,
what flows publish; the Prefect tasks in steps.py."""
