"""Memo: values computed from an engine's data are kept until the data's generation changes, computed once."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from govkg.engine import Engine, Memo, Source, open_engine, settled
from govkg.namespaces import DEFAULT_BASE

SAMPLE = Path(__file__).parents[1] / "resources" / "sample.trig"


@pytest.fixture
def engine() -> Engine:
    return open_engine("oxigraph", [Source(SAMPLE)], DEFAULT_BASE)


def test_a_value_is_kept_for_its_generation_and_dropped_after(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    memo: Memo[str, object] = Memo(engine)
    first = memo.get("k", object)
    assert memo.get("k", object) is first and len(memo) == 1
    monkeypatch.setattr(engine, "_generation", "another")  # what a write does to a writable engine
    assert memo.get("k", object) is not first and len(memo) == 1


def test_a_value_computed_while_the_data_changed_is_not_kept(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    memo: Memo[str, int] = Memo(engine)

    def make() -> int:
        monkeypatch.setattr(engine, "_generation", "changed meanwhile")
        return 1

    assert memo.get("k", make) == 1 and len(memo) == 0


def test_the_least_recently_used_goes_first(engine: Engine) -> None:
    memo: Memo[int, int] = Memo(engine, size=2)
    memo.get(1, lambda: 1)
    memo.get(2, lambda: 2)
    memo.get(1, lambda: -1)  # a hit: 1 is now the most recent
    memo.get(3, lambda: 3)
    assert memo.get(2, lambda: 20) == 20 and memo.get(1, lambda: -1) in (1, -1)


def test_a_value_is_made_once_however_many_threads_ask(engine: Engine) -> None:
    memo: Memo[str, int] = Memo(engine)
    made: list[int] = []
    start = threading.Barrier(8)

    def make() -> int:
        made.append(1)
        return len(made)

    def ask() -> None:
        start.wait()
        memo.get("k", make)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1]


def test_a_settled_value_is_out_of_the_collectors_reach() -> None:
    index = {f"entity-{n}": [n] for n in range(1000)}
    try:
        assert settled(index) is index
        collectable = {id(thing) for thing in gc.get_objects()}  # the frozen (permanent) generation is not listed
        assert not collectable & {id(index), *map(id, index.values())}
        assert gc.get_freeze_count() >= len(index)
    finally:
        gc.unfreeze()  # the rest of the session collects as usual
