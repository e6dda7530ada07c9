"""Tests of flows.cli: the daihoi command and its maintenance commands."""
