"""The builder of the packaged report templates: `python -m tasks.reports.layouts`."""
