"""RDF/XML entity bombs refused before Oxigraph expands them; ordinary entity declarations still read."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from govkg.engine import entities
from govkg.engine.errors import EngineError

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def laughs(levels: int, inside: bool = False) -> bytes:
    """Nested entities, each ten of the one before: 30 bytes times 10^levels of one literal once expanded; declared
    before the root element, or (`inside`) within it, where Oxigraph still reads a DOCTYPE."""
    declared = ['<!ENTITY l0 "lollollollollollollollollollol">']
    declared += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)]
    doctype = f"<!DOCTYPE rdf:RDF [ {' '.join(declared)} ]>"
    body = f'<rdf:Description rdf:about="http://example.org/s"><ex:p>&l{levels};</ex:p></rdf:Description>'
    before, within = ("", doctype) if inside else (doctype, "")
    return f'<?xml version="1.0"?>\n{before}<rdf:RDF {RDF}>{within}{body}</rdf:RDF>'.encode()


def test_a_billion_laughs_is_refused_before_oxigraph_reads_it() -> None:
    with pytest.raises(EngineError, match=r"^RDF/XML declaring entities refused: limit on input amplification"):
        entities.check(lambda: io.BytesIO(laughs(6)))  # 30 MB from 400 bytes (Oxigraph would expand 10^9 too)


def test_a_doctype_inside_the_root_element_is_refused() -> None:
    assert len(list(ox.parse(laughs(1, inside=True), format=ox.RdfFormat.RDF_XML))) == 1  # Oxigraph expands it
    with pytest.raises(EngineError, match=r"^RDF/XML declaring entities refused"):
        entities.check(lambda: io.BytesIO(laughs(6, inside=True)))


def test_namespace_entities_as_ontology_editors_write_them_pass() -> None:
    doctype = '<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>'
    body = '<rdf:Description rdf:about="&ex;s"><ex:p rdf:resource="&ex;o"/></rdf:Description>'
    data = f'<?xml version="1.0"?>\n{doctype}<rdf:RDF {RDF}>{body}</rdf:RDF>'.encode()
    entities.check(lambda: io.BytesIO(data))
    assert [q.subject.value for q in ox.parse(data, format=ox.RdfFormat.RDF_XML)] == ["http://example.org/s"]


def test_a_declaration_across_two_chunks_is_seen() -> None:
    data = b" " * (entities.CHUNK - 3) + b'<!ENTITY a "b">'  # 3 bytes in the first chunk, the rest in the second
    assert entities._declares(io.BytesIO(data))
    assert not entities._declares(io.BytesIO(b"<rdf:RDF/>" * 200_000))
