"""What the engines over source files share: the files, the base IRI, the SERVICE policy, the prefixes predeclared
in queries, the generation (a fingerprint of the files) and the named graphs' sizes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from govkg.engine.base import Source, fingerprint
from govkg.engine.errors import EngineError
from govkg.namespaces import PREFIXES, graph_iri, rebase_iri

if TYPE_CHECKING:
    from govkg.federation import Policy

__all__ = ["FileEngine"]


class FileEngine:
    """The shared part of an engine loaded from files, whose data never changes while it is served. A subclass
    loads the files and then sets `_sizes` (named graph IRI → triple count, sorted)."""

    kind: str

    def __init__(self, sources: Iterable[Source], base: str, policy: Policy | None = None) -> None:
        self.sources, self.base, self.policy = tuple(sources), base, policy
        self._prefixes = {p: rebase_iri(iri, base) for p, iri in PREFIXES.items()}
        self._inferred = graph_iri("inferred", base)
        self._generation = fingerprint(self.sources)
        self._sizes: dict[str, int] = {}

    @property
    def generation(self) -> str:
        """The SHA-256 of the loaded files."""
        return self._generation

    @property
    def federates(self) -> bool:
        """Whether SERVICE may call the policy's endpoints."""
        return bool(self.policy and self.policy.allowlist)

    def graphs(self) -> dict[str, int]:
        """The stored named graphs and their sizes, sorted by IRI."""
        return dict(self._sizes)

    def _chosen(self, graphs: Sequence[str] | None) -> list[str]:
        """The graphs to export: all when None; EngineError naming the first one not stored."""
        for name in graphs or ():
            if name not in self._sizes:
                raise EngineError(f"unknown graph {name}")
        return list(self._sizes) if graphs is None else list(graphs)
