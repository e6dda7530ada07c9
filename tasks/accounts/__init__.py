"""Web accounts: passwords, activation codes, sessions, throttling and who may do what.

Shared by `daihoi users …` / `daihoi web` (flows.cli) and the web application (flows.web),
which never import each other.
"""
