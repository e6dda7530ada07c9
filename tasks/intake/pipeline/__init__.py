"""One file to validated rows: limits, the workbook, cells, validation, issues, the error workbook."""
