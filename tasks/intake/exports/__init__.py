"""Workbooks sent out: blank and pre-filled forms, the status workbook, the tiếp thu sheet."""
