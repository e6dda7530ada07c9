"""Tests of tasks.status: the status rules, milestones, targets, rollup and the JSON schema."""
