"""Document pages as data: the layout of a text with its quotes and chrome (govkg.pages.document), the text read
only from a plain file name in the sources folder with the graph's SHA-256, and the summaries and views read from
a small govkg-shaped dataset on both engines (govkg.pages.documents)."""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib.term import Node

from govkg.engine import FILE_ENGINES, Source, open_engine
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE
from govkg.pages import document_twin, documents
from govkg.pages.document import Block, Layout, Span, layout

BASE = DEFAULT_BASE
ASTRAL = "\U0001d538 😀 "  # two characters outside the Basic Multilingual Plane: 2 code points, 4 UTF-16 units
Select = Callable[[str], list[list[Node | None]]]


def blocks(block: Block) -> Iterator[Block]:
    """`block` and every block under it."""
    yield block
    for child in block.children:
        if isinstance(child, Block):
            yield from blocks(child)


def text_of(block: Block) -> str:
    """The text under a block, as a browser's textContent reads it."""
    return "".join(text_of(c) if isinstance(c, Block) else c.text for c in block.children)


def anchors(laid: Layout) -> dict[str, Block]:
    """The block of each claim key (the element whose id is q-<key>)."""
    found: dict[str, Block] = {}
    for block in blocks(laid.root):
        for key in block.keys:
            assert key not in found, f"{key} anchored twice"
            found[key] = block
    return found


def test_a_quote_after_astral_characters_is_cut_at_code_points() -> None:
    text = ASTRAL + "Le sommet de Séoul s'ouvre."
    start = text.index("sommet")
    assert len(text[:start].encode("utf-16-le")) // 2 == start + 2  # a browser's string offsets are off by two
    laid = layout(text, [Span(start, start + len("sommet de Séoul"), "c1")])
    assert text_of(anchors(laid)["c1"]) == "sommet de Séoul"
    assert [leaf.text for leaf in laid.segments] == [ASTRAL + "Le ", "sommet de Séoul", " s'ouvre."]
    assert [leaf.claims for leaf in laid.segments] == [(), ("c1",), ()]


def test_nested_spans_split_into_segments_listing_every_claim() -> None:
    text = "La France adopte la déclaration de Séoul."
    outer, inner = Span(0, 40, "outer"), Span(3, 9, "inner")
    laid = layout(text, [outer, inner])
    assert [(leaf.text, leaf.claims) for leaf in laid.segments] == [
        ("La ", ("outer",)),
        ("France", ("outer", "inner")),
        (" adopte la déclaration de Séoul", ("outer",)),
        (".", ()),
    ]
    found = anchors(laid)
    assert text_of(found["outer"]) == text[0:40] and text_of(found["inner"]) == "France"
    assert found["inner"] in found["outer"].children
    assert not laid.widened
    notes = {leaf.note: leaf.claims for leaf in laid.segments if leaf.claims}
    assert notes == laid.notes and len(notes) == 2  # one note per set of claims, each listing all of them


def test_claims_sharing_a_span_each_get_an_anchor_on_it() -> None:
    laid = layout("Séoul, 21 mai", [Span(0, 5, "b"), Span(0, 5, "a"), Span(7, 13, "c")])
    found = anchors(laid)
    assert found["a"] is found["b"] and found["a"].keys == ("a", "b")
    assert text_of(found["a"]) == "Séoul" and text_of(found["c"]) == "21 mai"


def test_crossing_quotes_widen_one_anchor_but_keep_exact_segments() -> None:
    text = "Le 22 mai, lors de la réunion des ministres en présentiel, ils adoptent"
    date = Span(0, text.index(" en"), "date")
    meeting = Span(text.index("lors"), text.index(", ils"), "meeting")
    laid = layout(text, [date, meeting])
    found = anchors(laid)
    assert text_of(found["date"]) == text[date.start : date.end]
    assert laid.widened == {"meeting"}
    assert text_of(found["meeting"]) == text[: meeting.end]  # holds its quote and the crossing one
    assert [leaf.claims for leaf in laid.segments] == [("date",), ("date", "meeting"), ("meeting",), ()]
    assert "".join(leaf.text for leaf in laid.segments) == text


def test_chrome_is_a_block_and_a_quote_crossing_it_is_widened() -> None:
    text = "Article. Menu Accueil Contact"
    laid = layout(text, [Span(0, 7, "a"), Span(5, 13, "b")], [Span(9, len(text))])
    chrome = [b for b in blocks(laid.root) if b.kind == "chrome"]
    assert len(chrome) == 1 and text_of(chrome[0]) == "Menu Accueil Contact"
    assert "b" in laid.widened and text_of(anchors(laid)["b"]).endswith("Contact")


def test_spans_outside_the_text_are_left_out() -> None:
    laid = layout("court", [Span(2, 9, "past-end"), Span(4, 2, "backwards"), Span(-1, 2, "negative"), Span(1, 3, "ok")])
    assert set(anchors(laid)) == {"ok"}


def random_span(rng: random.Random, length: int, key: str = "") -> Span:
    """A span within a text of `length` code points (maybe empty)."""
    start, end = sorted(rng.choices(range(length + 1), k=2))
    return Span(start, end, key)


@pytest.mark.parametrize("seed", range(40))
def test_random_spans_lay_out_the_whole_text_exactly(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("ab é\U0001d538\n") for _ in range(rng.randint(0, 60)))
    spans = [random_span(rng, len(text), f"c{i}") for i in range(rng.randint(0, 12))]
    chrome = [random_span(rng, len(text)) for _ in range(rng.randint(0, 2))]
    laid = layout(text, spans, chrome)
    assert "".join(leaf.text for leaf in laid.segments) == text
    for leaf in laid.segments:
        assert leaf.text == text[leaf.start : leaf.end] and leaf.start < leaf.end
        assert set(leaf.claims) == {s.key for s in spans if s.start <= leaf.start and leaf.end <= s.end}
    found = anchors(laid)
    assert set(found) == {s.key for s in spans}
    for span in spans:  # every anchor holds its quote; exactly unless the claim is one of those widened
        block = found[span.key]
        assert block.start <= span.start and span.end <= block.end
        assert (block.start, block.end) == (span.start, span.end) or span.key in laid.widened
        assert text_of(block) == text[block.start : block.end]


# The text is read from a plain file name in the folder, when its digest is the graph's.


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A sources folder holding one text (CRLF line ends, an astral character) and a file beside it."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "007_doc.txt").write_bytes("Titre\r\n\r\n\U0001d538 Texte.".encode())
    (tmp_path / "secret.txt").write_bytes(b"not a source")
    return sources


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_text_is_read_as_bytes_decoded_when_its_digest_matches(folder: Path) -> None:
    found = documents.read_text(folder, "007_doc.txt", digest(folder / "007_doc.txt").upper())
    assert found == documents.Text("Titre\r\n\r\n\U0001d538 Texte.")  # newlines untouched: offsets count them


def test_a_changed_missing_or_unserved_text_is_not_shown(folder: Path) -> None:
    assert documents.read_text(folder, "007_doc.txt", "0" * 64) == documents.Text(None, "changed")
    assert documents.read_text(folder, "008_none.txt", "0" * 64) == documents.Text(None, "missing")
    assert documents.read_text(None, "007_doc.txt", digest(folder / "007_doc.txt")) == documents.Text(None, "unserved")


@pytest.mark.parametrize(
    "name", ["../secret.txt", "sub/007_doc.txt", ".hidden.txt", "007_doc.md", "/etc/passwd", "a\n.txt", "", "x..txt"]
)
def test_only_plain_file_names_are_read(folder: Path, name: str) -> None:
    assert documents.read_text(folder, name, digest(folder.parent / "secret.txt")) == documents.Text(None, "unnamed")


def test_a_link_out_of_the_folder_is_not_followed(folder: Path) -> None:
    (folder / "009_link.txt").symlink_to(folder.parent / "secret.txt")
    assert documents.read_text(folder, "009_link.txt", digest(folder.parent / "secret.txt")).text is None


def test_a_pipe_or_a_large_file_is_not_read(folder: Path) -> None:
    os.mkfifo(folder / "010_pipe.txt")  # reading it would wait for a writer forever
    assert documents.read_text(folder, "010_pipe.txt", "0" * 64) == documents.Text(None, "missing")
    large = folder / "011_large.txt"
    large.write_bytes(b"x" * (documents.MAX_BYTES + 1))
    assert documents.read_text(folder, "011_large.txt", digest(large)) == documents.Text(None, "missing")


def test_quotes_nested_or_sharing_a_span_by_the_thousand_lay_out_without_recursion() -> None:
    text = "x" * 3000
    same = [Span(10, 20, f"same-{i:04}") for i in range(200)]
    nested = [Span(100 + i, 2900 - i, f"nest-{i:04}") for i in range(1100)]  # deeper than Python's recursion limit
    laid = layout(text, [*same, *nested])
    tokens = laid.tokens()
    opened = [b for kind, b in tokens if kind == "open"]
    assert len(opened) == len([b for kind, b in tokens if kind == "close"]) == 1 + 1 + 1100
    assert next(b for b in opened if b.start == 10).keys == tuple(s.key for s in same)
    assert "".join(leaf.text for leaf in laid.segments) == text
    assert max(len(leaf.claims) for leaf in laid.segments) == 1100


# Summaries and views from a dataset, on both engines.

SAMPLE = f"""
@prefix gk: <{BASE}ontology#> . @prefix gks: <{BASE}source/> . @prefix gkc: <{BASE}claim/> .
@prefix gkd: <{BASE}id/> . @prefix dct: <http://purl.org/dc/terms/> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix schema: <https://schema.org/> .
<{BASE}graph/source/a> {{
  gks:a a gk:SourceDocument, schema:NewsArticle ; dct:identifier "a.txt" ; gk:sha256 "{{sha}}" ;
    gk:characterCount 14 ; dct:language <http://id.loc.gov/vocabulary/iso639-1/fr> ; dct:issued "2024-05-21" ;
    rdfs:label "Document A"@en, "Document A (fr)"@fr ; gk:boilerplate <{BASE}source/a/chrome/1> .
  <{BASE}source/a/chrome/1> oa:start 10 ; oa:end 14 .
  gkc:a-1 a gk:Claim ; prov:wasDerivedFrom gks:a ; rdf:subject gkd:x ; rdf:predicate dct:date ;
    rdf:object "2024-05-21" ; oa:hasTarget <{BASE}claim/a-1#t> .
  <{BASE}claim/a-1#t> oa:hasSelector <{BASE}claim/a-1#p>, <{BASE}claim/a-1#q> .
  <{BASE}claim/a-1#p> oa:start 2 ; oa:end 8 . <{BASE}claim/a-1#q> oa:exact "21 mai" .
}}
<{BASE}graph/source/b> {{
  gks:b a gk:SourceDocument ; dct:identifier "b.txt" .
  gkc:b-1 a gk:Claim ; prov:wasDerivedFrom gks:b ; rdf:subject gkd:x ; rdf:predicate dct:date ;
    rdf:object "2024-05-22" .
}}
<{BASE}graph/disagreements> {{
  gkd:d a gk:Disagreement ; rdfs:label "Sources disagree"@en ; gk:conflictingClaim gkc:a-1, gkc:b-1 .
}}
<{BASE}graph/entities> {{ gkd:x rdfs:label "X"@en, "X (fr)"@fr . }}
"""


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def select(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Select:
    """SELECT over the sample with one engine, as the web app's State.select does."""
    path = tmp_path_factory.mktemp("sample") / "sample.trig"
    path.write_text(SAMPLE.replace("{sha}", "ab" * 32), encoding="utf-8")
    engine = open_engine(request.param, [Source(path)], BASE)
    return lambda query: engine_select(engine, query)


def test_summaries_list_every_document_with_its_facts(select: Select) -> None:
    a, b = documents.summaries(select, BASE)
    assert a == documents.Summary(
        f"{BASE}source/a",
        {"en": "Document A", "fr": "Document A (fr)"},
        ("https://schema.org/NewsArticle",),
        "a.txt",
        "ab" * 32,
        14,
        "http://id.loc.gov/vocabulary/iso639-1/fr",
        "2024-05-21",
        1,
    )
    assert (b.iri, b.identifier, b.facts, b.labels, b.types) == (f"{BASE}source/b", "b.txt", 1, {}, ())
    assert documents.summaries(select, BASE, f"{BASE}source/b") == [b]


def test_a_view_lays_out_quotes_and_chrome_and_names_the_other_side(select: Select) -> None:
    summary = documents.summaries(select, BASE, f"{BASE}source/a")[0]
    view = documents.view(select, BASE, summary, documents.Text("\U0001d538 21 mai, menu"))
    (fact,) = view.facts
    assert (fact.key, fact.start, fact.end, fact.exact) == ("a-1", 2, 8, "21 mai")
    assert view.layout is not None and text_of(anchors(view.layout)["a-1"]) == "21 mai"
    assert [b.kind for b in blocks(view.layout.root)] == ["text", "quote", "chrome"]
    (disagreement,) = view.disagreements
    assert [(c.document, c.fact.key) for c in disagreement.conflicts] == [
        (f"{BASE}source/a", "a-1"),
        (f"{BASE}source/b", "b-1"),
    ]
    assert view.names[f"{BASE}id/x"] == {"en": "X", "fr": "X (fr)"}
    assert view.names[f"{BASE}id/d"] == {"en": "Sources disagree"}
    twin = document_twin.to_json(view)
    assert [s["claims"] for s in twin["segments"]] == [[], ["a-1"], [], []]
    assert twin["chrome"] == [[10, 14]] and twin["facts"][0]["id"] == "q-a-1"


def test_without_text_a_view_still_lists_the_facts(select: Select) -> None:
    summary = documents.summaries(select, BASE, f"{BASE}source/a")[0]
    view = documents.view(select, BASE, summary, documents.Text(None, "missing"))
    assert view.layout is None and [f.exact for f in view.facts] == ["21 mai"]
    assert view.quotes() == [("21 mai", list(view.facts))]
