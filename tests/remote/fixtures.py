"""Real stores for tests, each started once per session (per xdist worker): `oxigraph_store`, `virtuoso_store`, and
`store` (parametrised over both). tests/conftest.py takes them in, and only it: a fixture a second conftest also
registers is a second fixture, which would start a second store. A store whose binary is missing skips its tests
with the reason, unless GOVKG_REQUIRE_STORES=1 (CI installs both): then they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from remote.stores import FOUND, STORES, Store

INSTALL = {"oxigraph": "pip install oxigraph", "virtuoso": "apt-get install virtuoso-opensource-7-bin"}


def started(name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Start store NAME in a fresh temporary folder (skip or fail if it is not installed); stop it afterwards."""
    if FOUND[name]() is None:
        reason = f"{name} is not installed ({INSTALL[name]})"
        if os.environ.get("GOVKG_REQUIRE_STORES") == "1":
            pytest.fail(f"GOVKG_REQUIRE_STORES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with STORES[name](tmp_path_factory.mktemp(name)) as store:
        yield store


@pytest.fixture(scope="session")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The Oxigraph server (on disk, no authentication) on 127.0.0.1."""
    yield from started("oxigraph", tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """OpenLink Virtuoso on 127.0.0.1: anonymous reads, Digest-authenticated writes as dba."""
    yield from started("virtuoso", tmp_path_factory)


@pytest.fixture(scope="session", params=sorted(STORES))
def store(request: pytest.FixtureRequest) -> Store:
    """Each real store in turn."""
    return request.getfixturevalue(f"{request.param}_store")
