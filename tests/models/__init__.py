"""Tests of models: the schema, migrations and the database helpers."""
