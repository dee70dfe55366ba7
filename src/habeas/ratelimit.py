"""Limits on how fast one client may go: failed sign-ins per client address, and API calls
per token.

Tokens are 256-bit random, so guessing is hopeless anyway; the sign-in limit keeps failed
attempts slow and the log quiet, and never turns away a valid token, so that a guesser (or
everyone behind one proxy address) cannot lock the rightful users out. The API limit keeps
one token, leaked or looping, from taking the server for itself."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

ATTEMPTS = 10
WINDOW = 300.0
TRACKED = 10_000
#: API calls per token: a sustained rate per second and the burst allowed above it.
API_RATE = 20.0
API_BURST = 200


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

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures.get(address, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures


class RequestLimiter:
    """A token bucket per key (an API token's id): ``burst`` calls at once, refilled at
    ``rate`` per second; memory bounded as ``SignInLimiter``'s is."""

    def __init__(self, rate: float = API_RATE, burst: int = API_BURST,
                 tracked: int = TRACKED, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.tracked, self.clock = rate, burst, tracked, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one call of ``key``'s: 0 when allowed, else the seconds until one is."""
        with self._lock:
            now = self.clock()
            level, then = self._buckets.get(key, (float(self.burst), now))
            level = min(float(self.burst), level + (now - then) * self.rate)
            allowed = level >= 1.0
            self._buckets[key] = (level - 1.0 if allowed else level, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.tracked:
                self._buckets.popitem(last=False)
            return 0.0 if allowed else (1.0 - level) / self.rate
