"""The page model of a resource description: what its HTML page shows (data, not HTML; the templates render it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from govkg.namespaces import PREFIXES, rebase_iri
from govkg.pages.description import MAX_BLANK_DEPTH

__all__ = [
    "GROUPS",
    "INFERRED",
    "LANGUAGES",
    "PARTS",
    "RECORD_LINKS",
    "Catalogue",
    "Inbound",
    "Link",
    "Page",
    "Section",
    "Source",
    "Value",
    "Written",
    "curie",
    "name",
]

LANGUAGES = ("en", "fr")  # the order labels are preferred in
# Sites of external link targets, by IRI prefix; others are named by their host.
# How the parts (fragments) of a description are grouped on its page: the first matching type wins.
GROUPS = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
    (OWL.NamedIndividual, "Individuals"),
)
PARTS = "Parts"
INFERRED = "inferred"  # the short name of the OWL 2 RL closure's graph
RECORD_LINKS = (RDF.subject, RDF.predicate, RDF.object)  # how records point at what they state: listed last
MAX_NESTING = MAX_BLANK_DEPTH  # blank nodes shown one inside another; deeper ones are left to the RDF twin


@dataclass
class Source:
    """Where a fact comes from: a claim's quote in a document, or a link record's confidence and evidence."""

    record: Node
    quote: str | None = None
    file: str | None = None
    start: int | None = None
    end: int | None = None
    sentence: Node | None = None
    confidence: str | None = None
    evidence: str | None = None
    origin: Node | None = None  # the document or reference table the record was derived from


@dataclass
class Value:
    """One value of a property, the named graphs stating it (short names) and its sources."""

    node: Node
    graphs: list[str]
    sources: list[Source]

    @property
    def inferred(self) -> bool:
        """True when only the OWL 2 RL closure states it."""
        return self.graphs == [INFERRED]


@dataclass
class Section:
    """The facts about the IRI itself or about one of its fragments, grouped by property."""

    iri: Node
    anchor: str  # the fragment ('' for the IRI itself)
    group: str
    types: list[Value]
    properties: list[tuple[Node, list[Value]]]


@dataclass
class Link:
    """A link to a resource of another site, with the records stating it."""

    predicate: Node
    target: Node
    site: str
    graphs: list[str]
    sources: list[Source]


@dataclass
class Inbound:
    """A fact whose object is the IRI."""

    subject: Node
    predicate: Node
    graphs: list[str]
    sources: list[Source]


@dataclass
class Page:
    """What the HTML page of a description shows."""

    iri: URIRef
    labels: dict[str, list[str]]  # language → the IRI's own labels
    sections: list[Section]  # the IRI itself first, then its fragments by group
    links: list[Link]
    inbound: list[Inbound]
    inbound_count: int
    names: dict[Node, dict[str, str]]  # shown IRI → its first label by language
    base: str
    blanks: dict[Node, Section]  # the facts of each blank node a value leads to

    def items(self, node: Node) -> list[Node] | None:
        """The members of a well-formed RDF list (None when `node` is not one)."""
        members: list[Node] = []
        while node != RDF.nil:
            section = self.blanks.get(node)
            values = dict(section.properties) if section and not section.types else {}
            if (
                set(values) != {RDF.first, RDF.rest}
                or len(values[RDF.first]) != 1
                or len(values[RDF.rest]) != 1
                or len(members) > len(self.blanks)
            ):
                return None
            members.append(values[RDF.first][0].node)
            node = values[RDF.rest][0].node
        return members

    def name(self, node: Node, lang: str | None = None) -> str:
        """A short human name: the label in `lang`, else English, else French, else any, else a prefixed name."""
        return name(self.names, node, self.base, lang)

    def title(self, lang: str | None = None) -> str:
        """The page title: the IRI's name (in `lang` when it has a label in it)."""
        return self.name(self.iri, lang)

    @property
    def main(self) -> Section:
        """The section about the IRI itself."""
        return self.sections[0]

    def parts(self) -> list[tuple[str, list[Section]]]:
        """The sections of the IRI's fragments by group, in page order."""
        groups: dict[str, list[Section]] = {}
        for section in self.sections[1:]:
            groups.setdefault(section.group, []).append(section)
        return list(groups.items())


@dataclass
class Written:
    """The blank nodes one rendering of a page has written out, with their anchors. Each is written once and
    later named by a link back to it, so a cycle cannot recurse and a node shared by many paths cannot multiply
    the page; `depth` bounds the nesting. One per rendering: pages are cached and shared by request threads."""

    anchors: dict[Node, str] = field(default_factory=dict)
    depth: int = MAX_NESTING

    def add(self, node: Node) -> str:
        """The anchor of `node`, which is being written out now."""
        self.anchors[node] = f"_:b{len(self.anchors) + 1}"
        return self.anchors[node]


@dataclass
class Catalogue:
    """The entities under <base>id/ by stated class: what the index page shows."""

    classes: list[tuple[Node, list[Node]]]  # class → its entities, both in name order
    names: dict[Node, dict[str, str]]
    base: str

    def name(self, node: Node) -> str:
        """A short human name (as on resource pages)."""
        return name(self.names, node, self.base)


def name(names: dict[Node, dict[str, str]], node: Node, base: str, lang: str | None = None) -> str:
    """A node's label in `lang` (when given), else English, else French, else any language, else its prefixed name."""
    labels = names.get(node, {})
    order = (*([lang] if lang else []), *LANGUAGES, *sorted(labels))
    found = next((chosen for chosen in order if chosen in labels), None)
    return labels[found] if found is not None else curie(str(node), base)


def curie(iri: str, base: str) -> str:
    """A prefixed name for `iri` when one of govkg's namespaces (rebased) holds it, else the IRI itself."""
    spaces = _spaces(base)
    matches = [(len(ns), prefix) for prefix, ns in spaces.items() if iri.startswith(ns) and iri != ns]
    if not matches:
        return iri
    prefix = max(matches)[1]
    return f"{prefix}:{iri[len(spaces[prefix]) :]}"


@cache
def _spaces(base: str) -> dict[str, str]:
    """govkg's namespaces rebased on `base` (pages name thousands of terms with the same few bases)."""
    return {prefix: rebase_iri(ns, base) for prefix, ns in PREFIXES.items()}
