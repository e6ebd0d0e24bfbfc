"""Tests against real SPARQL stores started on 127.0.0.1 (the Oxigraph server, OpenLink Virtuoso): `remote.stores`
starts them, `remote.conftest` hands them to tests."""
