"""Query engines behind the endpoint and the command line, behind one typed seam (`Engine`, in `base`).

Engines are classes opened by `open_engine(kind, sources, base)`: embedded Oxigraph (the default) and rdflib over
files, and a remote SPARQL 1.1 store over HTTP (`remote`, opened over one `Source.store(url)`). The
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
from govkg.engine.memo import Memo, settled
from govkg.engine.oxigraph_engine import OxigraphEngine
from govkg.engine.rdflib_engine import RdflibEngine
from govkg.engine.remote_engine import RemoteEngine
from govkg.federation import Policy

__all__ = [
    "DEFAULT",
    "ENGINES",
    "FILE_ENGINES",
    "FORMS",
    "REMOTE",
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
    "settled",
]

# Every registered engine: the conformance suite (tests/engine/test_conformance.py) runs over each of them.
ENGINES: dict[str, Callable[[Iterable[Source], str, Policy | None], Engine]] = {
    OxigraphEngine.kind: OxigraphEngine,
    RdflibEngine.kind: RdflibEngine,
    RemoteEngine.kind: RemoteEngine,
}
FILE_ENGINES = (OxigraphEngine.kind, RdflibEngine.kind)  # the engines opened over files (the remote one: a URL)
REMOTE = RemoteEngine.kind  # the engine over a SPARQL 1.1 store's URL (`govkg serve --store URL`)
DEFAULT = OxigraphEngine.kind


def open_engine(kind: str, sources: Iterable[Source], base: str, *, federation: Policy | None = None) -> Engine:
    """Open the engine called `kind` over the source files; SERVICE may call `federation`'s endpoints (none
    without a policy). EngineError for an unknown kind or a source that cannot be loaded."""
    if kind not in ENGINES:
        raise EngineError(f"unknown engine {kind!r} (choose from {', '.join(ENGINES)})")
    return ENGINES[kind](sources, base, federation)
