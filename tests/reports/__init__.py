"""Tests of tasks.reports: contexts, rendering, batches and the reports flow."""
