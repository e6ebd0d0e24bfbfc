"""The server's stand-in for an engine whose data only its query workers hold (loaded once, in the fork server they
are forked from: `govkg.engine.resident`), so the server process keeps no copy of its own (unless the fast lane,
off by default, has it load one: `load`).

What the server itself asks of its engine is answered without the data: the kind and base, the generation (the
files' fingerprint), the named graphs' sizes (counted by a worker: `count` waits for them) and exports (read again
from the files, as the Oxigraph engine's are: the same bytes). A query evaluated here opens the real engine
in this process on first use; the web app never does that, it sends queries to the workers.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

from govkg.engine.base import SERVICE_DATASET, Answer, Engine, Selection, Table
from govkg.engine.files import FileEngine
from govkg.errors import GovkgError
from govkg.formats import Format

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline
    from govkg.engine.runner import EngineSpec

__all__ = ["Shell"]


class Shell(FileEngine):
    """An engine over `spec`'s files that loads them only if a query is evaluated in this process (see the module)."""

    def __init__(self, spec: EngineSpec, count: Callable[[], dict[str, int]]) -> None:
        super().__init__(spec.sources, spec.base, spec.policy)
        self.kind, self.spec = spec.kind, spec
        self._count: Callable[[], dict[str, int]] | None = count
        self._lock, self._opening = threading.Lock(), threading.Lock()
        self._engine: Engine | None = None

    def graphs(self) -> dict[str, int]:
        """The named graphs and their sizes, sorted by IRI (waiting for the worker counting them the first time)."""
        with self._lock:
            if self._count is not None:
                self._sizes, self._count = dict(sorted(self._count().items())), None
            return dict(self._sizes)

    def evaluate(self, query: str, selection: Selection = SERVICE_DATASET, deadline: Deadline | None = None) -> Answer:
        """Evaluate on the real engine (opened now if it is not yet)."""
        return self._opened().evaluate(query, selection, deadline)

    def write(self, answer: Answer, fmt: Format, out: IO[bytes], max_rows: int | None = None) -> None:
        """Serialise an answer (by the engine that evaluated it)."""
        answer.engine.write(answer, fmt, out, max_rows)

    def rows(self, answer: Answer, limit: int) -> Table:
        """Up to `limit` rows of an answer (by the engine that evaluated it)."""
        return answer.engine.rows(answer, limit)

    def export(self, graphs: Sequence[str] | None, fmt: Format, out: IO[bytes]) -> None:
        """The graphs as loaded, read again from the files."""
        self.graphs()  # the sizes name the stored graphs
        self._reread(self.sources, graphs, fmt, out)

    def close(self) -> None:
        """Close the real engine if a query opened it here."""
        if self._engine is not None:
            self._engine.close()

    def load(self) -> None:
        """Open the real engine in this process now (for the fast lane, govkg.engine.fastlane); errors are the
        workers' to report."""
        with contextlib.suppress(GovkgError):
            self._opened()

    def loaded(self) -> Engine | None:
        """The real engine if it is open in this process, else None (never waits)."""
        return self._engine

    def _opened(self) -> Engine:
        with self._opening:
            if self._engine is None:
                self._engine = self.spec.open()
            return self._engine
