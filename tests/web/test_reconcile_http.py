"""/reconcile, the W3C Reconciliation Service API 0.2, over HTTP: every kind of answer validated against the API's
published JSON schemas (vendored in reconcile-schemas/), OpenRefine's own requests against a live `govkg serve`,
the preview's headers and escaping, and one-line 400s for malformed input. Expectations come from the data."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft7Validator
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from referencing import Registry
from referencing.jsonschema import DRAFT7

from conftest import LiveServer
from govkg.build import Build
from govkg.namespaces import GK, GKD
from govkg.web import create_app

SCHEMAS = Path(__file__).parent / "reconcile-schemas" / "0.2"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def schemas() -> dict[str, Draft7Validator]:
    """A validator per schema; their $refs (type.json, Swagger's security schemes) resolve locally."""
    documents = {path.stem: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources((d["$id"], DRAFT7.create_resource(d)) for d in documents.values())
    return {name: Draft7Validator(document, registry=registry) for name, document in documents.items()}


def valid(schemas: dict[str, Draft7Validator], name: str, document: Any) -> Any:
    """`document`, after checking it against the schema `name`."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in schemas[name].iter_errors(document)]
    assert not errors, errors[:3]
    return document


@pytest.fixture(scope="module")
def entities(project_build: Build) -> Graph:
    return project_build.graphs["entities"]


def label(graph: Graph, entity: URIRef, lang: str) -> str:
    return str(next(o for o in graph.objects(entity, RDFS.label) if o.language == lang))


def code(graph: Graph, state: URIRef) -> str:
    return str(graph.value(state, GK.iso3166Alpha2))


def states(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, GK.State) if isinstance(s, URIRef))


def slug(iri: URIRef) -> str:
    return str(iri).removeprefix(str(GKD))


def assert_one_line(response: Any, status: int, reason: str) -> None:
    """An error answer: its status and one line of text/plain holding `reason`."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.mimetype == "text/plain" and text.count("\n") == 1 and reason in text, text


# --- The schemas themselves -------------------------------------------------------------------------------------


def test_the_schema_validators_reject_broken_answers(schemas: dict[str, Draft7Validator]) -> None:
    assert not schemas["reconciliation-result-batch"].is_valid({"q0": {"result": [{"id": "x", "name": "X"}]}})
    assert not schemas["manifest"].is_valid({"versions": ["0.2"], "name": "x", "identifierSpace": "i"})
    assert not schemas["manifest"].is_valid(
        {"versions": ["0.2"], "name": "x", "identifierSpace": "i", "schemaSpace": "s", "defaultTypes": [{"id": "T"}]}
    )  # type.json
    assert not schemas["data-extension-response"].is_valid({"meta": [], "rows": {"a": {"p": [{"bool": True}]}}})
    assert not schemas["suggest-types-response"].is_valid({"result": [{"id": "T", "broader": [{"id": "U"}]}]})


# --- Manifest -----------------------------------------------------------------------------------------------


def test_manifest_is_valid_and_every_url_in_it_answers(
    client: FlaskClient,
    schemas: dict[str, Draft7Validator],
) -> None:
    manifest = valid(schemas, "manifest", client.get("/reconcile").get_json())
    assert client.get("/reconcile/").get_json() == client.post("/reconcile").get_json() == manifest
    assert manifest["identifierSpace"] == str(GKD) and manifest["schemaSpace"] == str(GK)
    assert manifest["view"]["url"] == "http://localhost/id/{{id}}"
    assert manifest["batchSize"] == 100
    local = lambda url: url.removeprefix("http://localhost")  # noqa: E731
    for kind, service in manifest["suggest"].items():
        found = client.get(local(service["service_url"] + service["service_path"]) + "?prefix=a")
        assert found.status_code == 200 and found.get_json()["result"], kind
    proposals = manifest["extend"]["propose_properties"]
    assert client.get(local(proposals["service_url"] + proposals["service_path"]) + "?type=State").status_code == 200
    assert client.get(local(manifest["preview"]["url"].replace("{{id}}", "france"))).status_code == 200
    for default in manifest["defaultTypes"]:
        batch = json.dumps({"q0": {"query": "a", "type": default["id"]}})
        assert client.get("/reconcile", query_string={"queries": batch}).status_code == 200


def test_manifest_keeps_the_app_headers(client: FlaskClient) -> None:
    response = client.get("/reconcile", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- Reconciliation queries -------------------------------------------------------------------------------------


def test_queries_by_get_and_by_form_post_agree_and_are_valid(
    client: FlaskClient, entities: Graph, schemas: dict[str, Draft7Validator]
) -> None:
    korea = GKD["south-korea"]
    batch = valid(
        schemas,
        "reconciliation-query-batch",
        {
            "q0": {"query": label(entities, GKD.germany, "fr")},
            "q1": {
                "query": label(entities, korea, "en").split()[-1],
                "type": "State",
                "type_strict": "should",
                "properties": [{"pid": "P297", "v": code(entities, korea)}],
            },
            "q2": {"query": "la " + label(entities, korea, "fr").upper(), "type": ["State"], "limit": 2},
            "q3": {"properties": [{"pid": "iso3166Alpha2", "v": [code(entities, GKD.japan), "??"]}]},
        },
    )
    by_get = client.get("/reconcile", query_string={"queries": json.dumps(batch)})
    by_post = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert by_get.status_code == by_post.status_code == 200
    answer = valid(schemas, "reconciliation-result-batch", by_get.get_json())
    assert by_post.get_json() == answer and list(answer) == list(batch)
    tops = {key: value["result"][0] for key, value in answer.items()}
    assert {key: (top["id"], top["match"]) for key, top in tops.items()} == {
        "q0": ("germany", True),
        "q1": ("south-korea", True),
        "q2": ("south-korea", True),
        "q3": ("japan", True),
    }
    assert tops["q0"]["name"] == label(entities, GKD.germany, "fr")  # named as the query names it
    assert len(answer["q2"]["result"]) <= 2


def test_names_follow_accept_language_when_the_query_does_not_tell(client: FlaskClient, entities: Graph) -> None:
    batch = json.dumps({"q0": {"query": "south-korea"}})  # an id: no language
    for lang in ("fr", "en"):
        response = client.get("/reconcile", query_string={"queries": batch}, headers={"Accept-Language": lang})
        assert response.get_json()["q0"]["result"][0]["name"] == label(entities, GKD["south-korea"], lang)
        assert "Accept-Language" in response.headers["Vary"]


# --- Suggest, proposals, extend ---------------------------------------------------------------------------------


def test_suggest_answers_are_valid_and_pages_follow_the_cursor(
    client: FlaskClient, entities: Graph, schemas: dict[str, Draft7Validator]
) -> None:
    prefix = label(entities, GKD.germany, "fr")[:3]
    found = valid(
        schemas, "suggest-entities-response", client.get(f"/reconcile/suggest/entity?prefix={prefix}").get_json()
    )["result"]
    assert "germany" in [s["id"] for s in found]
    page = client.get(f"/reconcile/suggest/entity?prefix={prefix}&cursor=1&limit=1").get_json()["result"]
    assert page == found[1:2]
    french = client.get("/reconcile/suggest/entity?prefix=germany", headers={"Accept-Language": "fr"})
    assert french.get_json()["result"][0]["name"] == label(entities, GKD.germany, "fr")
    companies = client.get("/reconcile/suggest/entity?prefix=&type=Company&limit=100").get_json()["result"]
    assert {s["id"] for s in companies} == {slug(s) for s in entities.subjects(RDF.type, GK.Company)}
    types = valid(schemas, "suggest-types-response", client.get("/reconcile/suggest/type?prefix=Sta").get_json())
    assert "State" in [t["id"] for t in types["result"]]
    properties = valid(
        schemas, "suggest-properties-response", client.get("/reconcile/suggest/property?prefix=P297").get_json()
    )
    assert properties["result"][0]["id"] == "iso3166Alpha2"


def test_property_proposals_are_valid(client: FlaskClient, schemas: dict[str, Draft7Validator]) -> None:
    answer = valid(
        schemas,
        "data-extension-property-proposal",
        client.get("/reconcile/propose_properties?type=State&limit=5").get_json(),
    )
    assert answer["type"] == "State" and answer["limit"] == 5 and len(answer["properties"]) == 5
    every = client.get("/reconcile/propose_properties?type=State").get_json()["properties"]
    assert every[:5] == answer["properties"] and "iso3166Alpha2" in [p["id"] for p in every]


def test_extend_by_get_and_by_form_post_agree_and_are_valid(
    client: FlaskClient, entities: Graph, schemas: dict[str, Draft7Validator]
) -> None:
    query = valid(
        schemas,
        "data-extension-query",
        {
            "ids": [slug(s) for s in states(entities)],
            "properties": [{"id": "P297"}, {"id": "iso3166Alpha3"}, {"id": "rdfs:label", "settings": {"lang": "fr"}}],
        },
    )
    by_get = client.get("/reconcile", query_string={"extend": json.dumps(query)})
    by_post = client.post("/reconcile", data={"extend": json.dumps(query)})
    answer = valid(schemas, "data-extension-response", by_get.get_json())
    assert by_post.get_json() == answer
    assert [m["id"] for m in answer["meta"]] == ["P297", "iso3166Alpha3", "rdfs:label"]
    for state in states(entities):
        row = answer["rows"][slug(state)]
        assert row["P297"] == [{"str": code(entities, state)}]
        assert row["iso3166Alpha3"] == [{"str": str(entities.value(state, GK.iso3166Alpha3))}]
        assert row["rdfs:label"] == [{"str": label(entities, state, "fr")}]


# --- Preview ----------------------------------------------------------------------------------------------------


def test_preview_shows_the_entity_and_may_be_framed_but_runs_no_script(client: FlaskClient, entities: Graph) -> None:
    korea = GKD["south-korea"]
    response = client.get("/reconcile/preview?id=south-korea", headers={"Accept-Language": "fr"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    for text in [
        *(str(o) for o in entities.objects(korea, SKOS.altLabel)),
        label(entities, korea, "fr"),
        label(entities, korea, "en"),
        code(entities, korea),
        'href="http://localhost/id/south-korea"',
    ]:
        assert text in page
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "'none'" not in policy.split("frame-ancestors")[1]
    assert "script-src" not in policy and "default-src 'none'" in policy and "<script" not in page
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.fixture(scope="module")
def hostile(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app with one more entity whose labels are markup, and a query deadline no batch can meet."""
    extra = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    extra.write_text(
        f'<{GKD}hostile> a <{GK}Company> ; <{RDFS.label}> "<script>alert(1)</script> & Co"@en , '
        f'"\\" onmouseover=\\"alert(2)"@fr .\n',
        encoding="utf-8",
    )
    return create_app(
        {
            "DATASET": str(built),
            "GRAPHS": [f"https://example.org/hostile={extra}"],
            "TESTING": True,
            "QUERY_TIMEOUT": 1e-6,
        }
    )


def test_preview_escapes_labels(hostile: Flask) -> None:
    client = hostile.test_client()
    for lang in ("en", "fr"):
        page = client.get("/reconcile/preview?id=hostile", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert "<script>" not in page and '" onmouseover' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    found = client.get("/reconcile/suggest/entity?prefix=hostile").get_json()["result"][0]
    assert found["name"] == "<script>alert(1)</script> & Co"  # data, served as JSON (never sniffed as HTML)


def test_a_batch_past_the_query_deadline_gets_503(hostile: Flask) -> None:
    response = hostile.test_client().get("/reconcile", query_string={"queries": _batch(query="France")})
    assert_one_line(response, 503, "deadline")
    assert response.headers["Retry-After"] == "1"


# --- Malformed requests: 400 (or 404/413/415) and one line, never a 500 -----------------------------------------


def _batch(**query: Any) -> str:
    return json.dumps({"q0": query})


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "reason"),
    [
        ("get", "/reconcile", {"query_string": {"queries": "{"}}, 400, "queries is not valid JSON"),
        ("get", "/reconcile", {"query_string": {"queries": "NaN"}}, 400, "not valid JSON"),
        ("get", "/reconcile", {"query_string": {"queries": "[" * 100_000 + "]" * 100_000}}, 400, "not valid JSON"),
        ("get", "/reconcile", {"query_string": {"queries": "[]"}}, 400, "non-empty JSON object"),
        ("get", "/reconcile", {"query_string": {"queries": "null"}}, 400, "non-empty JSON object"),
        ("get", "/reconcile", {"query_string": [("queries", "{}"), ("queries", "{}")]}, 400, "exactly one queries"),
        ("get", "/reconcile", {"query_string": {"queries": "{}", "extend": "{}"}}, 400, "not both"),
        (
            "get",
            "/reconcile",
            {"query_string": {"queries": json.dumps({f"q{i}": {"query": "a"} for i in range(101)})}},
            400,
            "at most 100",
        ),
        ("get", "/reconcile", {"query_string": {"queries": _batch(query="a" * 1001)}}, 400, "longer than 1000"),
        (
            "post",
            "/reconcile",
            {
                "data": {
                    "queries": json.dumps(
                        {f"q{i}": {"properties": [{"pid": "P297", "v": ["FR"] * 11}]} for i in range(100)}
                    )
                }
            },
            400,
            "more than 1000",
        ),
        ("get", "/reconcile", {"query_string": {"queries": _batch(query="France", limit=0)}}, 400, "positive integer"),
        ("get", "/reconcile", {"query_string": {"queries": _batch(query="France", limit="ten")}}, 400, "positive"),
        (
            "get",
            "/reconcile",
            {"query_string": {"queries": '{"q0": {"query": "France", "limit": 1e400}}'}},
            400,
            "positive",
        ),
        (
            "get",
            "/reconcile",
            {"query_string": {"queries": _batch(query="France", type="Country")}},
            400,
            "unknown type 'Country'",
        ),
        (
            "get",
            "/reconcile",
            {"query_string": {"queries": _batch(query="France", properties=[{"pid": "x", "v": 1}])}},
            400,
            "unknown property 'x'",
        ),
        ("get", "/reconcile", {"query_string": {"queries": _batch(query=["France"])}}, 400, "must be a string"),
        ("get", "/reconcile", {"query_string": {"queries": json.dumps({"q0": None})}}, 400, "must be a JSON object"),
        ("post", "/reconcile", {"data": {"queries": "{"}}, 400, "not valid JSON"),
        (
            "post",
            "/reconcile",
            {"data": json.dumps({"queries": []}), "content_type": "application/json"},
            415,
            "POST a form",
        ),
        ("post", "/reconcile", {"data": "queries=%7B%7D"}, 415, "without Content-Type"),
        ("post", "/reconcile", {"data": "queries=" + "a" * 1_100_000, "content_type": FORM}, 413, "413"),
        ("get", "/reconcile", {"query_string": {"extend": '{"ids": "france"}'}}, 400, "ids and properties lists"),
        (
            "get",
            "/reconcile",
            {"query_string": {"extend": '{"ids": [], "properties": [{"id": "nope"}]}'}},
            400,
            "unknown property 'nope'",
        ),
        ("get", "/reconcile/suggest/entity", {"query_string": {"prefix": "a", "limit": "0"}}, 400, "limit"),
        ("get", "/reconcile/suggest/entity", {"query_string": {"prefix": "a", "cursor": "-1"}}, 400, "cursor"),
        ("get", "/reconcile/suggest/entity", {"query_string": {"prefix": "a", "cursor": "9" * 5000}}, 400, "cursor"),
        (
            "get",
            "/reconcile/propose_properties",
            {"query_string": {"type": "State", "limit": "1" * 5000}},
            400,
            "limit",
        ),
        ("get", "/reconcile/suggest/entity", {"query_string": {"prefix": "a", "type": "Nope"}}, 400, "unknown type"),
        ("get", "/reconcile/suggest/entity", {"query_string": {"prefix": "a" * 1001}}, 400, "longer than 1000"),
        ("get", "/reconcile/suggest/place", {}, 404, "entity, type or property"),
        ("get", "/reconcile/propose_properties", {"query_string": {"type": "Nope"}}, 400, "unknown type"),
        ("get", "/reconcile/propose_properties", {"query_string": {"type": "State", "limit": "x"}}, 400, "limit"),
        ("get", "/reconcile/preview", {}, 400, "give the id"),
        ("get", "/reconcile/preview", {"query_string": {"id": "no-such-entity"}}, 404, "no entity"),
        ("put", "/reconcile", {}, 405, "405"),
    ],
)
def test_malformed_requests_get_their_status_and_one_line(
    client: FlaskClient, method: str, path: str, kwargs: dict[str, Any], status: int, reason: str
) -> None:
    assert_one_line(getattr(client, method)(path, **kwargs), status, reason)


def test_jsonp_is_not_offered(client: FlaskClient) -> None:
    response = client.get("/reconcile?callback=steal")
    assert response.mimetype == "application/json" and response.get_data(as_text=True).startswith("{")


# --- A live server, with OpenRefine's own requests --------------------------------------------------------------


def _post(url: str, body: str) -> tuple[dict[str, str], Any]:
    """POST a form as OpenRefine 3.x does (java.net / Apache HttpClient, UTF-8 form encoding)."""
    request = urllib.request.Request(
        url,
        data=body.encode("ascii"),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "User-Agent": "OpenRefine/3.8",
            "Accept": "*/*",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(response.headers), json.loads(response.read())


def _get(url: str) -> tuple[dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return dict(response.headers), response.read()


@pytest.fixture(scope="module")
def service(live: LiveServer) -> str:
    """The reconciliation endpoint of the session's live `govkg serve`."""
    return live.url + "/reconcile"


def test_openrefine_reconciles_a_column_of_states_on_a_live_server(
    service: str, entities: Graph, schemas: dict[str, Draft7Validator]
) -> None:
    column = states(entities)[:10]  # OpenRefine sends batches of ten cells
    queries = {
        f"q{i}": {
            "query": label(entities, state, "fr" if i % 2 else "en"),
            "type": "State",
            "type_strict": "should",
            "properties": [{"pid": "P297", "v": code(entities, state)}],
        }
        for i, state in enumerate(column)
    }
    headers, answer = _post(
        service,
        "queries="
        + quote_plus(json.dumps(valid(schemas, "reconciliation-query-batch", queries), ensure_ascii=False), safe=""),
    )
    valid(schemas, "reconciliation-result-batch", answer)
    assert headers["Access-Control-Allow-Origin"] == "*" and headers["Content-Type"].startswith("application/json")
    assert {k: (v["result"][0]["id"], v["result"][0]["match"]) for k, v in answer.items()} == {
        f"q{i}": (slug(state), True) for i, state in enumerate(column)
    }


def test_openrefine_adds_columns_from_reconciled_values_on_a_live_server(
    service: str, entities: Graph, schemas: dict[str, Draft7Validator]
) -> None:
    _, manifest = _get(service)
    valid(schemas, "manifest", json.loads(manifest))
    _, proposals = _get(f"{service}/propose_properties?{urlencode({'type': 'State', 'limit': 20})}")
    proposed = [
        p["id"] for p in valid(schemas, "data-extension-property-proposal", json.loads(proposals))["properties"]
    ]
    assert "iso3166Alpha3" in proposed
    query = {"ids": [slug(s) for s in states(entities)], "properties": [{"id": "iso3166Alpha3"}]}
    _, answer = _post(service, "extend=" + quote_plus(json.dumps(query), safe=""))
    rows = valid(schemas, "data-extension-response", answer)["rows"]
    assert rows == {
        slug(s): {"iso3166Alpha3": [{"str": str(entities.value(s, GK.iso3166Alpha3))}]} for s in states(entities)
    }
    headers, page = _get(f"{service}/preview?id={quote('france')}")
    assert "frame-ancestors *" in headers["Content-Security-Policy"] and b"<script" not in page
    assert label(entities, GKD.france, "en").encode() in page
