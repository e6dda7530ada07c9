"""Prefect flows (one outcome per module) and the `daihoi` command line."""
