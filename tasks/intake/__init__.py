"""Excel intake: read a unit's workbook, validate it against its form, import all-or-nothing.

Layers, bottom up: `limits` (zip checks before parsing), `workbook` (cells, merged ranges,
header row, data area), `cells` (one typed value per cell, rules 4–8), `spec` (form
definitions from templates/forms), `validate` (a sheet → parsed rows + located issues),
`importers` (per-form check and write; the registry), `pipeline` (one file end to end).
"""
