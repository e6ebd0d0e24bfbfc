"""The example gallery: the competency questions of `queries/*.rq`, grouped by theme, and their publication as
SHACL SPARQL executables (the pattern SPARQL editors such as SIB's read from a service description).

Each file opens with `# key: value` lines: `fr` and `en` (the question), `theme` (an ontology term, prefixed
or `<IRI>`, whose labels name the group) and optionally `inference: required`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from rdflib.term import Node

from govkg import lexer
from govkg.namespaces import PREFIXES, SCHEMA, SH, bind_prefixes, rebase_iri

__all__ = ["Example", "Theme", "executables", "gallery", "parse", "read", "theme_texts"]

Select = Callable[[str], list[list[Node | None]]]
HEADER = re.compile(r"#\s*([a-z]+):\s*(.*\S)\s*")
# The query form → its SHACL executable class and the property holding the query text (SHACL §5.1, SIB examples).
FORMS = {
    "SELECT": (SH.SPARQLSelectExecutable, SH.select),
    "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
    "ASK": (SH.SPARQLAskExecutable, SH.ask),
    "DESCRIBE": (None, URIRef("https://purl.expasy.org/sparql-examples/ontology#describe")),
}
QUESTION_LANGUAGES = ("fr", "en")
# Properties whose values name a theme, and those that describe it (the ontology's, SKOS's, the ontology header's).
NAMES = ("rdfs:label", "skos:prefLabel", "dct:title")
DESCRIPTIONS = ("rdfs:comment", "skos:definition", "dct:description")


@dataclass(frozen=True)
class Example:
    """One competency question: its file stem, question by language, theme IRI, query form and text."""

    name: str
    question: dict[str, str]
    theme: str
    form: str
    query: str
    inference: bool = False


@dataclass
class Theme:
    """A group of the gallery: the theme's IRI, its names and descriptions by language, and its examples."""

    iri: str
    label: dict[str, str] = field(default_factory=dict)
    comment: dict[str, str] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)


def expand(term: str, base: str) -> str:
    """An IRI from a header value: `<IRI>` or a prefixed name of govkg's prefixes (rebased on `base`)."""
    if term.startswith("<") and term.endswith(">"):
        return rebase_iri(term[1:-1], base)
    prefix, colon, local = term.partition(":")
    if not colon or prefix not in PREFIXES:
        raise ValueError(f"theme {term!r} is neither <IRI> nor a prefixed name of govkg's prefixes")
    return rebase_iri(PREFIXES[prefix], base) + local


def form_of(query: str) -> str:
    """The query form: the first of SELECT, CONSTRUCT, ASK, DESCRIBE among the query's words."""
    return next((word for word in lexer.keywords(_body(query)) if word in FORMS), "SELECT")


def _body(text: str) -> str:
    """The query without its opening comment lines."""
    lines = text.splitlines()
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def parse(name: str, text: str, base: str) -> Example:
    """One query file read: its header lines (both questions and the theme are required) and its query."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.fullmatch(line)
        if match:
            header[match[1]] = match[2]
    missing = [key for key in (*QUESTION_LANGUAGES, "theme") if not header.get(key)]
    if missing:
        raise ValueError(f"{name}: no '# {missing[0]}:' line")
    body = _body(text)
    question = {lang: header[lang] for lang in QUESTION_LANGUAGES}
    inference = header.get("inference") == "required"
    return Example(name, question, expand(header["theme"], base), form_of(body), body, inference)


def read(folder: Path, base: str) -> list[Example]:
    """Every `*.rq` file of `folder`, in file name order (none when the folder is missing)."""
    paths = sorted(folder.glob("*.rq")) if folder.is_dir() else []
    return [parse(path.stem, path.read_text(encoding="utf-8"), base) for path in paths]


def theme_texts(select: Select, iris: Iterable[str]) -> dict[str, dict[str, dict[str, str]]]:
    """IRI → "label" / "comment" → language → text, read from the graph."""
    values = " ".join(f"<{iri}>" for iri in sorted(set(iris)))
    if not values:
        return {}
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX dct: <http://purl.org/dc/terms/> "
        f"SELECT ?t ?kind ?text WHERE {{ VALUES ?t {{ {values} }} "
        f'{{ ?t {"|".join(NAMES)} ?text BIND("label" AS ?kind) }} UNION '
        f'{{ ?t {"|".join(DESCRIPTIONS)} ?text BIND("comment" AS ?kind) }} }} ORDER BY ?t ?kind ?text'
    )
    found: dict[str, dict[str, dict[str, str]]] = {}
    for iri, kind, text in select(query):
        language = text.language if isinstance(text, Literal) and text.language else ""
        found.setdefault(str(iri), {}).setdefault(str(kind), {}).setdefault(language, str(text))
    return found


def gallery(examples: Iterable[Example], texts: dict[str, dict[str, dict[str, str]]]) -> list[Theme]:
    """The examples grouped by theme, themes in the order their first example comes in the files."""
    themes: dict[str, Theme] = {}
    for example in examples:
        found = texts.get(example.theme, {})
        theme = themes.setdefault(example.theme, Theme(example.theme, found.get("label", {}), found.get("comment", {})))
        theme.examples.append(example)
    return list(themes.values())


def executables(examples: Iterable[Example], endpoint: str, page: str, base: str) -> Graph:
    """Each example as an `sh:SPARQLExecutable` of its form, with the question as `rdfs:label` and `rdfs:comment`
    in French and English, `schema:target` the endpoint, `dct:subject` its theme, identified as `page#name`;
    `sh:prefixes` declares the prefixes the endpoint predeclares."""
    g = bind_prefixes(Graph(), base)
    g.bind("schema", SCHEMA)
    prefixes = _prefixes(g, URIRef(page + "#prefixes"), base)
    for example in examples:
        node = URIRef(f"{page}#{example.name}")
        kind, prop = FORMS[example.form]
        g.add((node, RDF.type, SH.SPARQLExecutable))
        if kind is not None:
            g.add((node, RDF.type, kind))
        g.add((node, prop, Literal(example.query)))
        for lang, text in example.question.items():
            g.add((node, RDFS.label, Literal(text, lang=lang)))
            g.add((node, RDFS.comment, Literal(text, lang=lang)))
        g.add((node, SCHEMA.target, URIRef(endpoint)))
        g.add((node, DCTERMS.subject, URIRef(example.theme)))
        g.add((node, SH.prefixes, prefixes))
    return g


def _prefixes(g: Graph, node: URIRef, base: str) -> URIRef:
    """The `sh:declare` list of govkg's prefixes (SHACL §5.2.1)."""
    for prefix, namespace in PREFIXES.items():
        declaration = URIRef(f"{node}-{prefix}")
        g.add((node, SH.declare, declaration))
        g.add((declaration, SH.prefix, Literal(prefix)))
        g.add((declaration, SH.namespace, Literal(rebase_iri(namespace, base), datatype=XSD.anyURI)))
    return node
