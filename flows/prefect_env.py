"""Prefect's environment for daihoi's processes (the CLI's and the web's), set before Prefect
is first used: its home in $DAIHOI_HOME/prefect, quiet, no analytics, where the user has not
set these."""

from __future__ import annotations

import os


def prepare_prefect_env() -> None:
    """Point Prefect at $DAIHOI_HOME/prefect and quiet it, where the user has not set these."""
    from models.settings import get_settings

    home = get_settings().home.resolve()
    defaults = {
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


def deployed() -> bool:
    """Whether flows run as deployment runs on a Prefect server (PREFECT_API_URL set) rather
    than embedded on this process's ephemeral API."""
    return bool(os.environ.get("PREFECT_API_URL"))
