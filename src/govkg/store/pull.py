"""`govkg pull`: the editors' graphs of a writable store as canonical TriG, the file editors keep in git
(`data/edits.trig`), which `govkg build` loads back, so a rebuilt dataset holds every accepted edit."""

from __future__ import annotations

from pathlib import Path

from govkg import serialize
from govkg.engine.base import Source
from govkg.engine.files import read_quads
from govkg.namespaces import graph_iri
from govkg.store.errors import StoreError

__all__ = ["editors_trig", "latest_snapshot"]


def latest_snapshot(store: Path) -> Path:
    """The newest snapshot of a store folder (a consistent, read-only copy: safe while the server writes)."""
    snapshots = sorted((store / "snapshots").glob("[0-9]*")) if (store / "snapshots").is_dir() else []
    if not snapshots:
        raise StoreError(f"no snapshot in {store}: is it the --store folder of a writable server?")
    return snapshots[-1]


def editors_trig(store: Path, base: str) -> bytes:
    """The graphs under `<base>graph/edits` of the store's newest snapshot, as canonical TriG."""
    editors = graph_iri("edits", base)
    quads = [
        q
        for q in read_quads([Source(latest_snapshot(store))], base)
        if (name := getattr(q.graph_name, "value", "")) == editors or name.startswith(editors + "/")
    ]
    return serialize.quads_bytes(quads, "trig", base)
