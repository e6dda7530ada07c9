"""Shared builders for the tests: trees, rows, workbooks, status documents."""
