"""Plan files: one YAML per framework version (DESIGN.md "Rules are data")."""
