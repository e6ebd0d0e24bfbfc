"""Query engines behind the endpoint and the command line, behind one typed seam (`Engine`, in `base`).

Engines are classes opened by `open_engine(kind, sources, base)`: embedded Oxigraph (the default) and rdflib. The
query guard (`guard`), deadlines (`deadline`), syntax diagnostics (`syntax`) and generation-keyed caches (`memo`)
live here too. Nothing outside this package names a concrete engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from govkg.engine.base import (
    FORMS,
    SERVICE_DATASET,
    Answer,
    Engine,
    Form,
    Selection,
    Source,
    Table,
    fingerprint,
    select,
)
from govkg.engine.deadline import CheckedBuffer, Deadline, DeadlineExceeded, Pool
from govkg.engine.errors import AnswerTooLarge, EngineError, QuerySyntaxError, UpdateRefused
from govkg.engine.guard import GuardError
from govkg.engine.memo import Memo
from govkg.engine.oxigraph_engine import OxigraphEngine
from govkg.engine.rdflib_engine import RdflibEngine
from govkg.federation import Policy

__all__ = [
    "DEFAULT",
    "ENGINES",
    "FORMS",
    "SERVICE_DATASET",
    "Answer",
    "AnswerTooLarge",
    "CheckedBuffer",
    "Deadline",
    "DeadlineExceeded",
    "Engine",
    "EngineError",
    "Form",
    "GuardError",
    "Memo",
    "Pool",
    "QuerySyntaxError",
    "Selection",
    "Source",
    "Table",
    "UpdateRefused",
    "fingerprint",
    "open_engine",
    "select",
]

# Every registered engine: the conformance suite (tests/engine/test_conformance.py) runs over each of them.
ENGINES: dict[str, Callable[[Iterable[Source], str, Policy | None], Engine]] = {
    OxigraphEngine.kind: OxigraphEngine,
    RdflibEngine.kind: RdflibEngine,
}
DEFAULT = OxigraphEngine.kind


def open_engine(kind: str, sources: Iterable[Source], base: str, *, federation: Policy | None = None) -> Engine:
    """Open the engine called `kind` over the source files; SERVICE may call `federation`'s endpoints (none
    without a policy). EngineError for an unknown kind or a source that cannot be loaded."""
    if kind not in ENGINES:
        raise EngineError(f"unknown engine {kind!r} (choose from {', '.join(ENGINES)})")
    return ENGINES[kind](sources, base, federation)
