"""The sample dataset of the pictures' tests (tests/resources/pictures.trig) and a `select` over it per engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib.term import Node

from govkg.engine import Source, open_engine
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE

SAMPLE = Path(__file__).parents[1] / "resources" / "pictures.trig"
BASE = DEFAULT_BASE
ID = BASE + "id/"
Select = Callable[[str], list[list[Node | None]]]


def sample_select(engine: str) -> Select:
    """SELECT over the sample's union graph with `engine`, as the web app's State.select does."""
    opened = open_engine(engine, [Source(SAMPLE)], BASE)
    return lambda query: engine_select(opened, query)
