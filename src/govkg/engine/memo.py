"""Values computed from an engine's data, kept until the data changes: every cache in govkg is a `Memo`."""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar

__all__ = ["Generational", "Memo", "settled"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Generational(Protocol):
    """Anything whose data has a generation: an engine, or the web app's state (whose engine a write replaces)."""

    @property
    def generation(self) -> str:
        """Changes whenever the data does."""
        ...


class Memo(Generic[K, V]):
    """A thread-safe map of computed values keyed on the engine's generation: a new generation drops them all.
    At most `size` values are kept (least recently used out first); a value is computed once, by the first
    thread that asks, while the others asking for the same key wait."""

    def __init__(self, engine: Generational, size: int | None = None) -> None:
        self.engine, self.size = engine, size
        self._generation = engine.generation
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[K, threading.Lock] = {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value for `key`, computed by `make()` if this generation has none yet."""
        found = self._lookup(key)
        if found is not None:
            return found[0]
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:
            found = self._lookup(key)
            if found is None:
                generation = self.engine.generation
                found = (make(),)
                self._store(key, found[0], generation)
        return found[0]

    def clear(self) -> None:
        """Drop every value."""
        with self._lock:
            self._values.clear()

    def _lookup(self, key: K) -> tuple[V] | None:
        """The kept value (in a 1-tuple, so a None value is a hit), after dropping values of an older generation."""
        with self._lock:
            generation = self.engine.generation
            if generation != self._generation:
                self._generation, self._values = generation, OrderedDict()
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return (self._values[key],)

    def _store(self, key: K, value: V, generation: str) -> None:
        """Keep a value, unless the data changed while it was computed."""
        with self._lock:
            self._making.pop(key, None)
            if generation != self.engine.generation or generation != self._generation:
                return  # the data changed while the value was made: it describes a generation now gone
            self._values[key] = value
            while self.size is not None and len(self._values) > self.size:
                self._values.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)


def settled(value: V) -> V:
    """`value`, with every object alive now moved out of the cyclic collector's reach (`gc.freeze`): a large index
    kept for a generation is then never traversed again, where each collection of the oldest generation would
    walk all of it (hundreds of milliseconds at 100,000 entities, paid by whichever request set it off)."""
    gc.collect()
    gc.freeze()
    return value
