"""What the engines over source files share: one reader of the files, the base IRI, the SERVICE policy, the prefixes
predeclared in queries, the generation (a fingerprint of the files) and the named graphs' sizes.

Both engines load the files through `read_quads`, Oxigraph's parser: literals keep their lexical form (rdflib's
parser would turn `"05"^^xsd:integer` into `5`) and blank nodes keep their labels, prefixed by the file's place, so
the engines agree on every term: an answer or a page built from both (the Oxigraph engine sends SERVICE queries to
the rdflib engine) never mixes two names for one blank node.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from govkg import jsonld
from govkg.engine.base import Source, fingerprint
from govkg.engine.errors import EngineError
from govkg.errors import GovkgError, one_line
from govkg.namespaces import PREFIXES, graph_iri, rebase_iri

if TYPE_CHECKING:
    from govkg.federation import Policy

__all__ = ["FileEngine", "read_quads"]


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


def read_quads(sources: Sequence[Source], base: str) -> Iterator[ox.Quad]:
    """The quads of the files exactly as written; a triples file's in its named graph; EngineError naming a file
    that cannot be read."""
    for place, source in enumerate(sources):
        try:
            yield from _placed(place, source, base)
        except (SyntaxError, OSError, ValueError, GovkgError) as error:  # GovkgError: a refused JSON-LD context
            raise EngineError(f"{source.path}: {one_line(error)}") from None


def _rdf_format(source: Source) -> ox.RdfFormat:
    """The RDF format of a source file, from its suffix."""
    fmt = ox.RdfFormat.from_extension(source.path.suffix.lstrip("."))
    if fmt is None:
        raise EngineError(f"{source.path}: unknown RDF file suffix")
    return fmt


def _placed(place: int, source: Source, base: str) -> Iterator[ox.Quad]:
    """One file's quads (or an on-disk store's, for a directory), its blank nodes labelled `s<place>-<label>`
    (two files' `_:b0` are two nodes)."""
    graph = ox.NamedNode(source.graph) if source.graph else None
    prefix = f"s{place}-"
    for quad in _parsed(source, base):
        yield ox.Quad(
            _label(quad.subject, prefix),
            quad.predicate,
            _label(quad.object, prefix),
            graph or _label(quad.graph_name, prefix),
        )


def _parsed(source: Source, base: str) -> Iterator[ox.Quad]:
    """The quads of a file as written, or of a store directory (a snapshot of a writable store) as stored."""
    if source.path.is_dir():
        yield from ox.Store.read_only(str(source.path))
        return
    fmt = _rdf_format(source)
    data: dict[str, Any] = {"path": str(source.path)}
    if fmt == ox.RdfFormat.JSON_LD:  # govkg's own context is inlined; any other remote context is refused
        data = {"input": jsonld.bundle(source.path.read_bytes(), base)}
    yield from ox.parse(format=fmt, rename_blank_nodes=False, **data)


def _label(term: Any, prefix: str) -> Any:
    """A blank node with its label prefixed; any other term as it is."""
    return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term
