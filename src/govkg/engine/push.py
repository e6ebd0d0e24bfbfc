"""`govkg push`: upload a dataset to a SPARQL 1.1 store, named graphs kept, then check the store holds it.

Two routes: the Graph Store Protocol (per named graph, a PUT of its first batch of N-Triples then a POST of each
further batch of about BATCH bytes, for any store: Virtuoso's `/sparql-graph-crud-auth`, Fuseki's `/data`), or
Oxigraph's bulk route (one PUT of N-Quads to `/store`, which replaces the whole dataset at once). The push metadata
graph (remote_engine.META: the dataset's fingerprint and its graphs) is written last, so a remote engine's generation
changes only once the data is all there; graphs the previous push listed and this one lacks are deleted before it.
The union of the graphs is pushed as one more graph (remote_engine.UNION): the service's default graph.
HTTP Basic or Digest authentication, as the store asks (govkg.engine.upload).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from urllib.parse import quote, urlsplit, urlunsplit

import pyoxigraph as ox

from govkg.engine.base import Source, fingerprint
from govkg.engine.files import read_quads
from govkg.engine.remote_engine import FINGERPRINT, GRAPH, META, UNION, RemoteEngine
from govkg.engine.remote_http import store_url
from govkg.engine.upload import PushError, Uploader

__all__ = ["BATCH", "PushError", "batches", "bulk_url", "push"]

TIMEOUT = 600.0  # seconds one upload may take (a large dataset over a slow link)
BATCH = 512 * 1024  # bytes of N-Triples per Graph Store request: Virtuoso parses each body whole, in memory
MEDIA = {"nquads": "application/n-quads", "ntriples": "application/n-triples"}


def bulk_url(query_url: str) -> str:
    """Oxigraph's bulk route beside its query endpoint: http://host:port/query → http://host:port/store."""
    parts = urlsplit(store_url(query_url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rpartition("/")[0] + "/store", "", ""))


def push(
    url: str,
    sources: Sequence[Source],
    base: str,
    graph_store: str | None = None,
    credentials: tuple[str, str] | None = None,
) -> dict[str, int]:
    """Upload the sources to the store whose query endpoint is `url` (through `graph_store`'s Graph Store Protocol,
    else Oxigraph's bulk route), then check it holds every graph with its size; the sizes pushed."""
    quads = list(dict.fromkeys(read_quads(sources, base)))  # a store keeps one copy of a repeated quad
    print_ = fingerprint(sources)
    meta = _meta(print_, sorted({g for g in map(_graph, quads) if g is not None}))
    union = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(UNION)) for t in dict.fromkeys(q.triple for q in quads)
    ]
    uploader = Uploader(credentials, TIMEOUT)
    if graph_store is None:
        data = ox.serialize([*quads, *union, *meta], format=ox.RdfFormat.N_QUADS) or b""
        uploader.send("PUT", bulk_url(url), data, MEDIA["nquads"])
    else:
        _graph_store(uploader, store_url(graph_store), [*quads, *union], meta, _previous(url, base))
    return _verify(url, base, quads, print_)


def batches(triples: Sequence[ox.Triple], size: int = BATCH) -> Iterator[bytes]:
    """The triples as N-Triples in pieces of at most about `size` bytes, cut at line ends; every triple with a blank
    node in the first piece (a blank node's label names the same node only within one request)."""
    blank = _ntriples([t for t in triples if _blank(t)])
    data = blank + _ntriples([t for t in triples if not _blank(t)])
    start, least = 0, len(blank)
    while start < len(data):
        end = data.rfind(b"\n", start, max(start + size, least)) + 1
        if end <= start:  # one line longer than `size`
            end = data.find(b"\n", start) + 1 or len(data)
        yield data[start:end]
        start, least = end, 0


def _ntriples(triples: Sequence[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _graph(quad: ox.Quad) -> str | None:
    """The quad's named graph; None for the default graph."""
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def _meta(print_: str, graphs: list[str]) -> list[ox.Quad]:
    """The push metadata graph: the fingerprint first, the union graph, then one quad per pushed graph."""
    node, graph = ox.NamedNode(META), ox.NamedNode(META)
    found = [ox.Quad(node, ox.NamedNode(FINGERPRINT), ox.Literal(print_), graph)]
    found.append(ox.Quad(node, ox.NamedNode(UNION), ox.NamedNode(UNION), graph))
    return found + [ox.Quad(node, ox.NamedNode(GRAPH), ox.NamedNode(g), graph) for g in graphs]


def _previous(url: str, base: str) -> tuple[str, ...]:
    """The graphs the store's last push listed (none when nothing was pushed)."""
    engine = RemoteEngine([Source.store(url)], base)
    try:
        return engine.pushed
    finally:
        engine.close()


def _graph_store(
    uploader: Uploader, endpoint: str, quads: list[ox.Quad], meta: list[ox.Quad], previous: Sequence[str]
) -> None:
    """Each graph in batches (SPARQL 1.1 Graph Store Protocol §5.3 PUT, then §5.5 POST), the previous push's graphs
    that are gone deleted (§5.4), the metadata graph last."""
    groups: dict[str | None, list[ox.Triple]] = {}
    for quad in quads:
        groups.setdefault(_graph(quad), []).append(quad.triple)
    join = "&" if "?" in endpoint else "?"
    target: dict[str | None, str] = {None: f"{endpoint}{join}default"}
    target |= {name: f"{endpoint}{join}graph={quote(name, safe='')}" for name in [*groups, *previous, META] if name}
    for name, members in groups.items():
        for n, piece in enumerate(batches(members)):
            uploader.send("POST" if n else "PUT", target[name], piece, MEDIA["ntriples"])
    for name in sorted(set(previous) - set(groups)):
        uploader.send("DELETE", target[name])
    uploader.send("PUT", target[META], _ntriples([q.triple for q in meta]), MEDIA["ntriples"])


def _verify(url: str, base: str, quads: list[ox.Quad], print_: str) -> dict[str, int]:
    """The pushed graphs' sizes, once the store is seen to hold them all and the fingerprint; PushError otherwise."""
    pushed: dict[str, int] = {}
    for name in map(_graph, quads):
        if name is not None:
            pushed[name] = pushed.get(name, 0) + 1
    engine = RemoteEngine([Source.store(url)], base)
    try:
        held, generation = engine.graphs(), engine.generation
    finally:
        engine.close()
    for name, size in sorted(pushed.items()):
        if held.get(name) != size:
            raise PushError(f"the store holds {held.get(name, 0)} triples in {name}, not the {size} pushed")
    if generation != print_:
        raise PushError("the store does not hold the pushed fingerprint (another push may have run at once)")
    return dict(sorted(pushed.items()))
