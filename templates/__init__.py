"""Package data: Word templates, plans (rules as data) and form definitions."""
