"""The example gallery model: query files read (questions, theme, form), grouped by theme, published as SHACL
SPARQL executables; the editor's completion lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from govkg.namespaces import DEFAULT_BASE, GK, PREFIXES, SCHEMA, SH
from govkg.pages import completions, examples

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
ENDPOINT, PAGE = "http://localhost/sparql", "http://localhost/examples"
ASK = """# fr: La France adopte-t-elle ?
# en: Does France adopt?
# inference: required
# theme: gk:Endorsement
PREFIX gk: <https://w3id.org/govkg/ontology#>
# a comment mentioning SELECT is no keyword
ASK { ?a gk:adopts ?b }
"""


def select_over(graph: Graph) -> Callable[[str], list[list[Node | None]]]:
    """A `select(query) -> rows` over an rdflib graph (what pages query through, like the app state's)."""
    return lambda query: [list(row) for row in graph.query(query)]  # type: ignore[arg-type,misc]


def test_a_file_is_read_with_its_questions_theme_and_form() -> None:
    example = examples.parse("33-ask", ASK, DEFAULT_BASE)
    assert example.question == {"fr": "La France adopte-t-elle ?", "en": "Does France adopt?"}
    assert example.theme == str(GK.Endorsement)
    assert example.form == "ASK" and example.inference
    assert example.query.startswith("PREFIX gk:") and "# fr:" not in example.query


@pytest.mark.parametrize(
    ("body", "form"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ask: <http://example.org/ask#>\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ('DESCRIBE <http://example.org/x> # "SELECT"', "DESCRIBE"),
    ],
)
def test_the_form_is_the_first_form_keyword(body: str, form: str) -> None:
    assert examples.form_of(body) == form


@pytest.mark.parametrize("missing", ["# fr:", "# en:", "# theme:"])
def test_a_file_without_a_question_or_a_theme_is_refused(missing: str) -> None:
    text = "\n".join(line for line in ASK.splitlines() if not line.startswith(missing))
    with pytest.raises(ValueError, match=missing.strip("# :")):
        examples.parse("x", text, DEFAULT_BASE)


def test_themes_are_prefixed_names_or_iris_rebased() -> None:
    assert examples.expand("gk:Event", "http://example.org/") == "http://example.org/ontology#Event"
    assert examples.expand("<https://w3id.org/govkg/ontology>", DEFAULT_BASE) == DEFAULT_BASE + "ontology"
    with pytest.raises(ValueError, match="prefixed name"):
        examples.expand("nope:Thing", DEFAULT_BASE)


def test_every_project_query_is_an_example() -> None:
    found = examples.read(ROOT / "queries", DEFAULT_BASE)
    assert [e.name for e in found] == [p.stem for p in QUERIES]
    assert all(e.question["fr"] and e.question["en"] and e.theme.startswith(DEFAULT_BASE) for e in found)
    assert examples.read(ROOT / "no-such-folder", DEFAULT_BASE) == []


def test_the_gallery_groups_by_theme_in_file_order() -> None:
    found = examples.read(ROOT / "queries", DEFAULT_BASE)
    texts = {found[0].theme: {"label": {"en": "endorsement", "fr": "approbation"}}}
    themes = examples.gallery(found, texts)
    assert themes[0].iri == found[0].theme and themes[0].label == {"en": "endorsement", "fr": "approbation"}
    assert sum(len(t.examples) for t in themes) == len(found)
    assert len({t.iri for t in themes}) == len(themes) > 1
    firsts = [found.index(t.examples[0]) for t in themes]
    assert firsts == sorted(firsts)


def test_theme_names_come_from_the_graph() -> None:
    g = Graph()
    g.add((GK.Event, RDFS.label, Literal("event", lang="en")))
    g.add((GK.Event, RDFS.label, Literal("événement", lang="fr")))
    g.add((GK.Event, RDFS.comment, Literal("Something that happens.", lang="en")))
    texts = examples.theme_texts(select_over(g), [str(GK.Event), str(GK.Claim)])
    assert texts == {
        str(GK.Event): {"label": {"en": "event", "fr": "événement"}, "comment": {"en": "Something that happens."}}
    }


def test_examples_are_published_as_shacl_executables() -> None:
    found = examples.read(ROOT / "queries", DEFAULT_BASE)
    g = Graph().parse(data=examples.executables(found, ENDPOINT, PAGE, DEFAULT_BASE).serialize(), format="turtle")
    nodes = set(g.subjects(RDF.type, SH.SPARQLExecutable))
    assert nodes == {URIRef(f"{PAGE}#{p.stem}") for p in QUERIES}
    for example in found:
        node = URIRef(f"{PAGE}#{example.name}")
        kind, prop = examples.FORMS[example.form]
        assert (node, RDF.type, kind) in g
        assert str(g.value(node, prop)) == example.query
        comments = {c.language: str(c) for c in g.objects(node, RDFS.comment) if isinstance(c, Literal)}
        assert comments == example.question
        assert g.value(node, SCHEMA.target) == URIRef(ENDPOINT)
        assert g.value(node, DCTERMS.subject) == URIRef(example.theme)
    declared = {str(g.value(d, SH.prefix)): str(g.value(d, SH.namespace)) for d in g.objects(None, SH.declare)}
    assert declared == PREFIXES


def test_completions_list_declared_and_used_terms_with_labels() -> None:
    ds = Dataset()
    g = ds.graph(URIRef(DEFAULT_BASE + "graph/ontology"))
    g.parse(data=(ROOT / "ontology" / "govkg.ttl").read_text(encoding="utf-8"), format="turtle")
    ds.default_union = True  # the service's default graph is the union of the named graphs
    select = select_over(ds)
    used = {"classes": ["http://example.org/Used"], "properties": []}
    found = completions.completions(select, used, DEFAULT_BASE)
    classes = {t["iri"]: t["label"] for t in found["classes"]}
    assert classes[str(GK.Adoption)]["en"] and classes[str(GK.Adoption)]["fr"]
    assert classes["http://example.org/Used"] == {}
    assert str(GK.adopter) in {t["iri"] for t in found["properties"]}
    assert found["prefixes"] == PREFIXES
