"""A daemon thread the server runs beside its requests, stopped when the app shuts down."""

from __future__ import annotations

import threading


class Background:
    """Runs ``_run`` in a thread; ``_run`` returns once ``_stop`` is set."""

    def __init__(self, name: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        raise NotImplementedError
