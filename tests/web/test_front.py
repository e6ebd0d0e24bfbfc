"""The edge (govkg.web.front): the Host check against TRUSTED_HOSTS, IPv6 literals included."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from test_errors import one_line
from test_limits import app_with

from govkg.web.front import host_trusted

DEFAULT = ["localhost", "127.0.0.1", "[::1]", "::1"]
CASES = [  # (Host header, trusted entries, trusted?)
    ("localhost", DEFAULT, True),
    ("LocalHost:5000", DEFAULT, True),
    ("127.0.0.1:8000", DEFAULT, True),
    ("[::1]", DEFAULT, True),
    ("[::1]:8000", DEFAULT, True),
    ("[::1]:8000", ["::1"], True),
    ("[::1]:8000", ["[::1]:9000"], True),  # the port of an entry is ignored, as Werkzeug ignores it
    ("[::2]:8000", DEFAULT, False),
    ("[::1]:0", DEFAULT, False),
    ("[::1]:70000", DEFAULT, False),
    ("::1", DEFAULT, False),  # an IPv6 literal in a Host has brackets (RFC 3986 §3.2.2)
    ("127.0.0.2", DEFAULT, False),
    ("localhost.evil.example", DEFAULT, False),
    ("evil.example", DEFAULT, False),
    ("evil example", DEFAULT, False),
    ("", DEFAULT, False),
    ("kg.example.org", [".example.org"], True),
    ("example.org:443", [".example.org"], True),
    ("notexample.org", [".example.org"], False),
    ("KG.Example.org", ["kg.example.org"], True),
]


@pytest.mark.parametrize(("host", "trusted", "expected"), CASES)
def test_host_trusted(host: str, trusted: list[str], expected: bool) -> None:
    assert host_trusted(host, trusted) is expected


@pytest.mark.parametrize("host", ["[::1]:5000", "localhost:5000", "127.0.0.1"])
def test_loopback_hosts_are_answered_by_default(client: FlaskClient, host: str) -> None:
    answer = client.get(
        "/sparql?query=ASK%20%7B%7D", headers={"Host": host, "Accept": "application/sparql-results+json"}
    )
    assert answer.get_json()["boolean"] is True
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("path", ["/sparql?query=ASK%20%7B%7D", "/", "/sparql"])
def test_an_untrusted_host_is_a_one_line_400_on_every_route(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Host": "[::2]:5000"})
    assert "'[::2]:5000' is not trusted" in one_line(response, 400)


def test_trusted_hosts_configured_as_a_string(built: Path) -> None:
    client = app_with(built, "oxigraph", TRUSTED_HOSTS="kg.example.org [2001:db8::1]").test_client()
    assert client.get("/", headers={"Host": "[2001:db8::1]:8080"}).status_code == 200
    assert client.get("/", headers={"Host": "kg.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_a_public_url_answers_whatever_the_host(built: Path) -> None:
    client = app_with(built, "oxigraph", PUBLIC_URL="https://[2001:db8::1]/kg/").test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Host": "evil.example"})
    assert response.status_code == 200


def test_a_long_untrusted_host_is_quoted_short(client: FlaskClient) -> None:
    message = one_line(client.get("/", headers={"Host": "a" * 5000 + ".example"}), 400)
    assert "not trusted" in message and len(message) < 400
