"""A durable, writable RDF store: pyoxigraph's on-disk (RocksDB) store, written only through `apply`, which
computes a change's would-be result first, has it checked, and commits it whole or not at all.

A change is evaluated against an in-memory copy of the current data; the difference between the two is what is
checked and what is committed, as one SPARQL update (one RocksDB transaction, written to the write-ahead log
before `apply` returns): the changed graphs (each replaced whole when blank nodes are involved, since SPARQL cannot
name an existing blank node), the inferred triples that follow, and the audit record. A process killed at any
point leaves either the whole change or none of it.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govkg import lexer
from govkg.engine import guard
from govkg.engine.base import Source, fingerprint
from govkg.engine.files import read_quads
from govkg.errors import one_line
from govkg.namespaces import PREFIXES, graph_iri, rebase_iri
from govkg.store import audit
from govkg.store.errors import ChangeRefused, StoreError

__all__ = ["Check", "Delta", "DurableStore", "Receipt", "data_operations", "diff", "digest"]

# Where LOAD could be a keyword to a parser: like guard's SERVICE scan, deliberately not a token scan (a `<` can be
# taken for an IRI's bracket and hide the rest of the text); it errs towards refusing (a word ending in "load").
_LOAD = re.compile(r"(?<![\w?$:])\w*?load(?!\w)", re.IGNORECASE)
MARKER = "govkg-store.json"  # written once the seed is loaded: a store without it is seeded again


@dataclass
class Delta:
    """What a change does: the quads it adds and removes, and the graphs they are in (None: the default)."""

    added: set[ox.Quad] = field(default_factory=set)
    removed: set[ox.Quad] = field(default_factory=set)

    @property
    def graphs(self) -> set[str | None]:
        """The graphs the change touches."""
        return {_graph(q) for q in self.added | self.removed}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class Receipt:
    """An accepted change: its number, the generation it made, and what it added and removed."""

    number: int
    generation: str
    added: int
    removed: int


Check = Callable[[ox.Store, ox.Store, Delta], None]  # (before, after, delta); raises ChangeRefused to refuse
Infer = Callable[[ox.Store, Delta], tuple[set[ox.Quad], set[ox.Quad]]]  # (inferred quads to add, to remove)


class DurableStore:
    """See the module. The audit graph cannot be written; with `protect` (a project's store), only the editors'
    graphs (`<base>graph/edits` and those under it) can: the others are remade by the next build."""

    def __init__(self, path: Path, base: str, seed: Sequence[Source] = (), protect: bool = True) -> None:
        self.path, self.base = path, base
        path.mkdir(parents=True, exist_ok=True)
        try:
            self._db = ox.Store(str(path / "db"))
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {one_line(error)}") from None
        self._lock = threading.Lock()
        self._prefixes = {p: rebase_iri(iri, base) for p, iri in PREFIXES.items()}  # the endpoint's own
        self._seed(seed)
        self.editors = graph_iri("edits", base) if protect else None  # the graphs editors may write, if limited
        self.protected = frozenset({audit.graph(base)})
        self.number, self.generation = audit.last(self._db, base) or (0, self._seeded_generation())

    def _seed(self, seed: Sequence[Source]) -> None:
        """Load the seed once (a store killed while seeding is emptied and seeded again)."""
        if (self.path / MARKER).exists():
            return
        self._db.clear()
        self._db.bulk_extend(read_quads(seed, self.base))
        self._db.flush()
        graphs = sorted(g.value for g in self._db.named_graphs() if isinstance(g, ox.NamedNode))
        record = {"generation": fingerprint(seed) if seed else hashlib.sha256(b"").hexdigest(), "seeded": graphs}
        (self.path / MARKER).write_text(json.dumps(record, indent=1))

    def _seeded_generation(self) -> str:
        return str(json.loads((self.path / MARKER).read_text())["generation"])

    def quads(self) -> Iterable[ox.Quad]:
        """Every quad, as committed."""
        return iter(self._db)

    def apply(self, update: str, editor: str, check: Check | None = None, infer: Infer | None = None) -> Receipt:
        """Evaluate a SPARQL update against a copy, check the would-be result, commit the difference atomically
        with its inferences and its audit record; ChangeRefused (nothing changes) if any step refuses."""
        _refuse_io(update)
        with self._lock:
            before = ox.Store()
            before.bulk_extend(q for q in self._db if _graph(q) != audit.graph(self.base))
            after = ox.Store()
            after.bulk_extend(before)
            try:
                after.update(update, base_iri=self.base, prefixes=self._prefixes)
            except (SyntaxError, ValueError, OSError, RuntimeError) as error:
                raise ChangeRefused(f"the update cannot be applied: {one_line(error, 300)}", status=400) from None
            delta = diff(before, after)
            self._refuse_protected(delta)
            if check is not None:
                check(before, after, delta)
            gained, lost = infer(after, delta) if infer is not None else (set(), set())
            return self._commit(update, editor, delta, (before, after), gained, lost)

    def _refuse_protected(self, delta: Delta) -> None:
        """The audit graph is never written by hand; in a project's store, only the editors' graphs are written
        (every other graph is built from the sources, and the next build would undo the change)."""
        for name in sorted(delta.graphs, key=lambda g: g or ""):
            if name in self.protected:
                raise ChangeRefused(f"graph <{name}> is the audit graph and cannot be written", status=403)
            if self.editors and not (name == self.editors or (name or "").startswith(self.editors + "/")):
                where = f"graph <{name}>" if name else "the default graph"
                raise ChangeRefused(
                    f"{where} is built from the sources; write to <{self.editors}> or a graph under it", status=403
                )

    def _commit(
        self,
        update: str,
        editor: str,
        delta: Delta,
        states: tuple[ox.Store, ox.Store],
        gained: set[ox.Quad],
        lost: set[ox.Quad],
    ) -> Receipt:
        number, (before, after) = self.number + 1, states
        generation = hashlib.sha256(f"{self.generation}\n{number}\n{update}".encode()).hexdigest()
        record = audit.record(self.base, number, editor, update, delta, generation, digest(before), digest(after))
        operations = [
            *_graph_operations(delta, after),
            *data_operations("DELETE", lost),
            *data_operations("INSERT", gained | record),
        ]
        if operations:
            try:
                self._db.update(" ;\n".join(operations))
            except (SyntaxError, ValueError, OSError, RuntimeError) as error:
                raise StoreError(f"the change could not be written: {one_line(error)}") from None
        self.number, self.generation = number, generation
        return Receipt(number, generation, len(delta.added), len(delta.removed))

    def snapshot(self, target: Path) -> Path:
        """A consistent read-only copy of the store (a RocksDB checkpoint: hard links) for other processes."""
        self._db.flush()
        self._db.backup(str(target))
        (target / "GENERATION").write_text(self.generation)
        return target

    def close(self) -> None:
        """Flush and release the store (its lock too: another DurableStore may open it then)."""
        self._db.flush()
        del self._db


def _refuse_io(update: str) -> None:
    """No update may make the server fetch anything: LOAD and SERVICE are refused before evaluation
    (docs/security.md, items 2 and 6)."""
    if _LOAD.search(lexer.unescape(update)):
        raise ChangeRefused("LOAD is not allowed: govkg never fetches data for an update", status=403)
    if guard.mentions_service(update):
        raise ChangeRefused("SERVICE is not allowed in an update", status=403)


def diff(before: ox.Store, after: ox.Store) -> Delta:
    """The quads `after` adds to and removes from `before`."""
    old, new = set(before), set(after)
    return Delta(new - old, old - new)


def digest(store: ox.Store) -> str:
    """A SHA-256 of a store's quads in N-Quads, sorted (blank node labels as stored)."""
    lines = sorted(str(q) for q in store)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _graph(quad: ox.Quad) -> str | None:
    name = quad.graph_name
    return name.value if isinstance(name, ox.NamedNode) else None


def _graph_operations(delta: Delta, after: ox.Store) -> list[str]:
    """The update operations that make the committed graphs equal to `after`'s. SPARQL 1.1 Update (§3.1.2) cannot
    name a stored blank node, so every graph whose change involves one is replaced whole, with every graph sharing
    a blank node with those, in one INSERT DATA (its blank node labels are one scope, so links survive)."""
    whole = _blank_closure(delta, after)
    operations = [f"CLEAR SILENT {_target(name)}" for name in sorted(whole, key=lambda g: g or "")]
    operations += data_operations("INSERT", {q for q in after if _graph(q) in whole})
    for name in sorted(delta.graphs - whole, key=lambda g: g or ""):
        operations += data_operations("DELETE", {q for q in delta.removed if _graph(q) == name})
        operations += data_operations("INSERT", {q for q in delta.added if _graph(q) == name})
    return operations


def _blank_closure(delta: Delta, after: ox.Store) -> set[str | None]:
    """The graphs whose change involves a blank node, and the graphs sharing a blank node with them (repeatedly)."""
    graphs = {_graph(q) for q in delta.added | delta.removed if _blanks(q)}
    while True:
        labels = {b for q in after if _graph(q) in graphs for b in _blanks(q)}
        more = {_graph(q) for q in after if _blanks(q) & labels} - graphs
        if not more:
            return graphs
        graphs |= more


def _target(name: str | None) -> str:
    return f"GRAPH <{name}>" if name else "DEFAULT"


def _blanks(quad: ox.Quad) -> set[str]:
    return {t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)}


def data_operations(verb: str, quads: set[ox.Quad]) -> list[str]:
    """`INSERT DATA` / `DELETE DATA` of quads, or nothing for none (N-Triples terms are SPARQL terms; an RDF 1.2
    triple term is written in its SPARQL form)."""
    if not quads:
        return []
    lines = []
    for quad in sorted(quads, key=str):
        triple = f"{_term(quad.subject)} {quad.predicate} {_term(quad.object)} ."
        name = _graph(quad)
        lines.append(f"GRAPH <{name}> {{ {triple} }}" if name else triple)
    return [f"{verb} DATA {{\n" + "\n".join(lines) + "\n}"]


def _term(term: object) -> str:
    if isinstance(term, ox.Triple):
        return f"<<( {_term(term.subject)} {term.predicate} {_term(term.object)} )>>"
    return str(term)
