"""Form definitions (package data: *.yaml), read through importlib.resources."""
