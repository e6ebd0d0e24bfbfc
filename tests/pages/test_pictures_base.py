"""Every picture follows the configured base IRI (`govkg --base-iri`): over the sample rebased on another base, each
page model finds what it finds over the sample as it is, with that base's IRIs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pictures_sample import BASE, SAMPLE, Select, sample_select

from govkg.engine import Source, open_engine
from govkg.engine import select as engine_select
from govkg.pages.pictures import matrix, network, timeline, worldmap

OTHER = "http://example.org/kg/"
BUILDERS: dict[str, Callable[[Select, str], Any]] = {
    "timeline": timeline.timeline,
    "matrix": matrix.matrix,
    "network": lambda select, base: network.network(select, base, matrix.matrix(select, base)),
    "map": worldmap.world,
}


def plain(model: Any) -> str:
    """A page model as JSON text."""
    return json.dumps(asdict(model), default=str)


def test_every_picture_follows_the_base_iri(tmp_path: Path) -> None:
    rebased = tmp_path / "pictures.trig"
    rebased.write_text(SAMPLE.read_text(encoding="utf-8").replace(BASE, OTHER), encoding="utf-8")
    engine = open_engine("oxigraph", [Source(rebased)], OTHER)
    other: Select = lambda query: engine_select(engine, query)  # noqa: E731
    for name, build in BUILDERS.items():
        model = plain(build(other, OTHER))
        assert OTHER in model and BASE not in model, name
        assert json.loads(model) == json.loads(plain(build(sample_select("oxigraph"), BASE)).replace(BASE, OTHER)), name
