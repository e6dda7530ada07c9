"""The Prefect server `daihoi serve` starts: `prefect server start`, tied to its parent's life.

Run as `python -m flows._server --host H --port P`. The parent keeps the write end of a pipe
on our stdin and never writes to it; when the parent ends, however it ends (a signal it did
not get to handle, a crash, SIGKILL), the pipe reads end-of-file and this server stops, so it
never outlives `daihoi serve` holding the port."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

GRACE_SECONDS = 10.0  # uvicorn's graceful shutdown, then a hard exit


def _watch_parent() -> None:
    while os.read(0, 1):  # the raw descriptor: no buffered-reader lock held at exit
        pass
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn stops serving, Prefect's services stop
    time.sleep(GRACE_SECONDS)
    os._exit(1)


def main(argv: list[str]) -> None:
    """Start the watcher, then Prefect's own `server start` with the arguments given."""
    threading.Thread(target=_watch_parent, name="parent-watch", daemon=True).start()
    from prefect.cli import app

    sys.argv = ["prefect", "server", "start", *argv]
    app()


if __name__ == "__main__":
    main(sys.argv[1:])
