"""The label search index (govkg.reconcile.labels) at scale: build time, size, and latency per kind of query.

Builds the search catalogue the web app builds (reconciliation index → label index → catalogue), then times a
few hundred searches (`pages.search.top`, as /search.json asks: the total and the first 100 hits) and entity
suggestions (`reconcile.suggest.suggest_entities`, a page of 10) and reconciliation queries (`reconcile.service.
reconcile`, the text alone) of each kind and prints p50 / p99 of their CPU time. The
names come from an N-Quads file read by the Oxigraph engine (`--data`, e.g. from `bench/generate.py --triples
1000000 --out big.nq`), or are synthesised (`--entities`, about one entity per ten triples: 100,000 entities stand
for a 1M-triple graph, with English and French labels and aliases).

    python bench/search.py                          # 100,000 synthetic entities (~1M triples)
    python bench/search.py --entities 10000 --queries 50
    python bench/search.py --data big.nq
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from govkg.engine import Source, open_engine, settled
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE
from govkg.pages import search
from govkg.reconcile import index as reconcile_index
from govkg.reconcile import labels
from govkg.reconcile.match import normalise
from govkg.reconcile.query import parse_query
from govkg.reconcile.service import reconcile
from govkg.reconcile.suggest import suggest_entities

MIB = 1024 * 1024
PAGE_LIMIT = 100  # hits the search page lists (web.search.PAGE_LIMIT)
SUGGEST_PAGE = slice(0, 10)  # the suggestions /reconcile/suggest/entity writes out (web.reconcile.SUGGEST_LIMIT)
SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou", "ai", "an", "er")]
KINDS = {
    "company": ("{0}", "{0}", ("Ltd", "Inc", "AI", "Labs", "SA", "GmbH")),
    "instrument": ("{0} Declaration on {1}", "Déclaration de {0} sur {1}", ()),
    "summit": ("{0} AI Summit {2}", "Sommet de {0} sur l'IA {2}", ()),
    "person": ("{0} {1}", "{0} {1}", ()),
    "commitment": ("Commitment of {0} to {1} safety", "Engagement de {0} pour la sûreté {1}", ()),
}


def word(rng: random.Random) -> str:
    """A made-up proper name of two to four syllables, now and then with an accent."""
    text = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return text.replace("e", "é", 1) if rng.random() < 0.1 else text


def synthetic(count: int, seed: int = 14) -> reconcile_index.Index:
    """A reconciliation index of `count` entities with English and French labels and aliases."""
    rng, entities = random.Random(seed), {}
    for n in range(count):
        kind = rng.choice(sorted(KINDS))
        en, fr, suffixes = KINDS[kind]
        parts = (word(rng), word(rng).lower(), str(2020 + n % 8))
        names = [(en.format(*parts), "en")]
        if rng.random() < 0.6:
            names.append((fr.format(*parts), "fr"))
        if suffixes and rng.random() < 0.5:
            names.append((f"{parts[0]} {rng.choice(suffixes)}", "en"))
        ident = f"{kind}-{n}"
        labels_ = {lang: text for text, lang in names[:2]}
        entities[ident] = reconcile_index.Entity(
            ident, DEFAULT_BASE + "id/" + ident, labels_, tuple(names), frozenset({kind}), (kind,), {}
        )
    return _index(entities)


def _index(entities: dict[str, reconcile_index.Entity]) -> reconcile_index.Index:
    """The index over these entities, as `reconcile.index.build` makes it."""
    ordered = dict(sorted(entities.items(), key=lambda item: (item[0].casefold(), item[0])))
    built = labels.build([normalise(text) for text, _ in e.names] for e in ordered.values())
    types = {k: reconcile_index.Term(k, DEFAULT_BASE + "ontology#" + k, {"en": k}) for k in KINDS}
    return reconcile_index.Index(DEFAULT_BASE, ordered, types, {}, built, tuple(ordered))


def from_file(path: Path) -> reconcile_index.Index:
    """The reconciliation index of an N-Quads file, read by the Oxigraph engine."""
    engine = open_engine("oxigraph", [Source(path, DEFAULT_BASE + "graph/bench")], DEFAULT_BASE)
    return reconcile_index.build(lambda query: engine_select(engine, query), DEFAULT_BASE)


def queries(index: reconcile_index.Index, count: int, seed: int = 7) -> dict[str, list[str]]:
    """`count` queries of each kind, from names the index holds."""
    rng = random.Random(seed)
    names = [text for e in index.entities.values() for text, _ in e.names]
    picked = [rng.choice(names) for _ in range(count)]
    return {
        "exact": picked,
        "prefix": [name[: max(3, len(name) // 3)] for name in picked],
        "word prefix": [_word_prefix(name, rng) for name in picked],
        "fuzzy": [_typo(max(name.split(), key=len), rng) for name in picked],
        "multi-word": [" ".join(reversed(name.split()[:3])) for name in picked],
    }


def _word_prefix(name: str, rng: random.Random) -> str:
    """The start of a word of the name other than its first (the first when it has one word)."""
    words = name.split()
    chosen = rng.choice(words[1:] or words)
    return chosen[: max(3, len(chosen) - 2)]


def _typo(text: str, rng: random.Random) -> str:
    """`text` with two neighbouring letters swapped (a typo the fuzzy rule forgives)."""
    at = rng.randrange(1, max(2, len(text) - 1))
    return text[: at - 1] + text[at] + text[at - 1] + text[at + 1 :] if len(text) > 3 else text + "x"


def timed(function: Callable[[str], int], texts: list[str]) -> tuple[float, float, float]:
    """The p50 and p99 CPU time (ms, the stable figure on a busy machine) of `function` over `texts`, and the mean
    number of entities found."""
    times, hits = [], 0
    for text in texts:
        start = time.thread_time()
        hits += function(text)
        times.append((time.thread_time() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(len(times) * 0.99))], hits / len(texts)


def measure_build(index: reconcile_index.Index) -> tuple[float, float, float]:
    """Seconds to build the label index and the search catalogue, and the label index's size (MiB, traced)."""
    names = [[normalise(text) for text, _ in e.names] for e in index.entities.values()]
    gc.collect()
    start = time.perf_counter()
    labels.build(names)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    search.build(index)
    catalog_s = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = labels.build(names)
    size = (tracemalloc.get_traced_memory()[0] - before) / MIB
    tracemalloc.stop()
    del kept
    return build_s, catalog_s, size


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="an N-Quads file (default: synthetic names)")
    parser.add_argument("--entities", type=int, default=100_000, help="synthetic entities (default 100,000)")
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind (default 200)")
    args = parser.parse_args()
    start = time.perf_counter()
    index = from_file(args.data) if args.data else synthetic(args.entities)
    slots = len(index.labels.folded)
    print(f"entities {len(index.entities):,}, names {slots:,}, words {len(index.labels.vocab):,}")
    print(f"reconciliation index (with the label index) {time.perf_counter() - start:.1f} s")
    build_s, catalog_s, size = measure_build(index)
    print(f"label index build {build_s * 1000:.0f} ms, size {size:.1f} MiB ({size * MIB / slots:.0f} B a name)")
    print(f"search catalogue build {catalog_s * 1000:.0f} ms")
    catalog = settled(search.build(index))  # as the app keeps it: out of the cyclic collector's reach
    header = f"{'kind':<12} {'search p50':>10} {'p99':>8} {'hits':>7}   {'suggest p50':>11} {'p99':>8}"
    print(f"\n{header}   {'reconcile p50':>13} {'p99':>8}")
    for kind, texts in queries(index, args.queries).items():
        p50, p99, hits = timed(lambda text: search.top(catalog, text, "en", PAGE_LIMIT)[0], texts)
        s50, s99, _ = timed(lambda text: len(suggest_entities(index, text, (), "en", SUGGEST_PAGE)), texts)
        r50, r99, _ = timed(lambda text: len(reconcile(index, parse_query({"query": text}, index))), texts)
        print(f"{kind:<12} {p50:>8.2f}ms {p99:>6.2f}ms {hits:>7.1f}   {s50:>9.2f}ms {s99:>6.2f}ms", end="")
        print(f"   {r50:>11.2f}ms {r99:>6.2f}ms")


if __name__ == "__main__":
    main()
