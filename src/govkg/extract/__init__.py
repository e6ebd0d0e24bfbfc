"""Documents + editorial annotations → sourced claims, the asserted graph and disagreements."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from govkg.extract import disagreements
from govkg.extract.annotations import AnnotationError, read_meta, read_rows
from govkg.extract.claims import Claim, Document, claims_for, document_graph
from govkg.namespaces import bind_prefixes

__all__ = ["AnnotationError", "Extraction", "extract"]


@dataclass
class Extraction:
    """The output of an extraction run: one graph per source, plus asserted and disagreements."""

    sources: dict[str, Graph] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    asserted: Graph = field(default_factory=lambda: bind_prefixes(Graph()))
    disagreements: Graph = field(default_factory=lambda: bind_prefixes(Graph()))

    def files(self) -> dict[str, Graph]:
        """Relative file path (under data/) → graph."""
        out = {f"claims/{stem}.ttl": g for stem, g in sorted(self.sources.items())}
        out["asserted.ttl"] = self.asserted
        out["disagreements.ttl"] = self.disagreements
        return out


def extract(sources: Path, annotations: Path, ontology: Graph) -> Extraction:
    """Run the extraction over every `sources/*.txt` with its `annotations/<stem>.tsv`."""
    result = Extraction()
    for path in sorted(sources.glob("*.txt")):
        rows_path = annotations / f"{path.stem}.tsv"
        doc = Document.read(path, read_meta(rows_path) if rows_path.exists() else {})
        rows = read_rows(rows_path) if rows_path.exists() else []
        claims, chrome = claims_for(doc, rows)
        result.sources[path.stem] = document_graph(doc, claims, chrome)
        result.claims.extend(claims)
    orphans = {p.stem for p in annotations.glob("*.tsv")} - set(result.sources)
    if orphans:
        raise AnnotationError(f"annotations without a source text: {', '.join(sorted(orphans))}")
    for claim in result.claims:
        result.asserted.add(claim.triple)
    found = disagreements.find(result.claims, disagreements.single_valued(ontology))
    result.disagreements = disagreements.graph(found)
    return result
