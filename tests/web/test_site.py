"""The site's shared chrome: navigation, and nodes on results and graph pages shown short and linked locally."""

from __future__ import annotations

from flask.testing import FlaskClient

QUERY = "SELECT ?s WHERE { VALUES ?s { <https://w3id.org/govkg/id/france> <http://example.org/elsewhere> } }"


def test_results_link_iris_under_the_base_to_local_pages(client: FlaskClient) -> None:
    page = client.get("/sparql", query_string={"query": QUERY, "format": "html"}).get_data(as_text=True)
    assert '<a href="/id/france" title="https://w3id.org/govkg/id/france">gkd:france</a>' in page
    assert 'href="http://example.org/elsewhere"' in page and "w3id.org/govkg/id/france</a>" not in page


def test_results_links_keep_an_explicit_language(client: FlaskClient) -> None:
    page = client.get("/sparql", query_string={"query": QUERY, "format": "html", "lang": "fr"}).get_data(as_text=True)
    assert 'href="/id/france?lang=fr"' in page and 'href="http://example.org/elsewhere"' in page


def test_datatypes_show_as_prefixed_names(client: FlaskClient) -> None:
    query = "SELECT ?n WHERE { BIND(3 AS ?n) }"
    page = client.get("/sparql", query_string={"query": query, "format": "html"}).get_data(as_text=True)
    assert "^^xsd:integer" in page and "XMLSchema#integer" not in page


def test_navigation_lists_the_interface_pages(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for path in ("/search", "/query", "/examples", "/pictures", "/documents", "/id/", "/download/", "/about"):
        assert f'href="{path}"' in page
