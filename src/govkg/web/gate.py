"""A limit on the queries one client address may have running at once (429 past it, RFC 6585 §4)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from govkg.web.errors import HttpError

__all__ = ["Gate"]


class Gate:
    """Counts running queries per client address; `enter` refuses one past `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def enter(self, client: str) -> Iterator[None]:
        """Hold one of the client's places while the block runs; a 429 if it has none left."""
        with self._lock:
            if self._running[client] >= self.limit:
                reason = f"this client already has {self.limit} queries running (MAX_CLIENT_QUERIES); wait for one"
                raise HttpError(429, reason, {"Retry-After": "1"})
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
