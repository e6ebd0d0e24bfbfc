"""Query engines behind the endpoint: embedded Oxigraph (default) and rdflib, chosen from a table.

Each engine module offers the same functions: `open(sources, base)`, `graphs(handle)`,
`evaluate(handle, query, selection, deadline)`, `write(answer, fmt, out, base)` and `rows(answer, limit)`.
Dumps always come from `rdflib_engine.export`, which keeps literals exactly as built.
"""

from __future__ import annotations

from types import ModuleType

from govkg.engine import oxigraph_engine, rdflib_engine
from govkg.engine.model import Answer, EngineError, Selection, Source

ENGINES: dict[str, ModuleType] = {"oxigraph": oxigraph_engine, "rdflib": rdflib_engine}

__all__ = ["ENGINES", "Answer", "EngineError", "Selection", "Source", "get"]


def get(name: str) -> ModuleType:
    """The engine module called `name`."""
    if name not in ENGINES:
        raise EngineError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")
    return ENGINES[name]
