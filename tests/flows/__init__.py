"""Tests of flows: the deployable flows and their task runners."""
