"""Excel intake: read a unit's workbook, validate it against its form, import all-or-nothing.

Layers, bottom up: `pipeline/` (a file → validated rows: limits, workbook, cells, form specs,
validation, located issues, the error workbook); `forms/` (one importer per form code and its
store; `forms.registry` lists them); `receive` (one file end to end); `inbox`, `versions`;
`draft/` (the draft Political Report .docx); `exports/` (workbooks sent out); `steps` (Prefect).
"""
