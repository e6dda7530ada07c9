"""RELIABILITY.md: each row of its tables is a test here (or beside the code it covers)."""
