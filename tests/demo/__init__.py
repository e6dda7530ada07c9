"""Tests of tasks.demo: the synthetic demo data."""
