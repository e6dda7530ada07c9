"""The compiled renderer of docxtpl-style templates: no domain imports."""
