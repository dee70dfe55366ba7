"""A limit on failed sign-ins per client address, so that tokens cannot be guessed at the
speed of the server. Tokens are 256-bit random, so guessing is hopeless anyway; the limit
keeps the attempt log quiet and the server from being used as an oracle at full speed."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

ATTEMPTS = 10
WINDOW = 300.0
TRACKED = 10_000


class SignInLimiter:
    """At most ``attempts`` failed sign-ins per address within ``window`` seconds; memory is
    bounded by forgetting the least recently seen addresses past ``tracked``."""

    def __init__(self, attempts: int = ATTEMPTS, window: float = WINDOW,
                 tracked: int = TRACKED, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.tracked, self.clock = attempts, window, tracked, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> float:
        """Seconds until ``address`` may try again (0 when it may now)."""
        with self._lock:
            failures = self._recent(address)
            if len(failures) < self.attempts:
                return 0.0
            return max(0.0, failures[0] + self.window - self.clock())

    def failed(self, address: str) -> None:
        with self._lock:
            failures = self._recent(address)
            failures.append(self.clock())
            self._failures[address] = failures
            self._failures.move_to_end(address)
            while len(self._failures) > self.tracked:
                self._failures.popitem(last=False)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures.get(address, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures
