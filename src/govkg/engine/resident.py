"""The data loaded once, in the fork server every query worker is forked from, and shared by all of them.

`start_forkserver(modules, spec)` starts multiprocessing's fork server with this module among its preloaded ones and
the spec in an environment variable (only the fork server sees it). On import there, this module opens the engine
the spec names; every worker forked afterwards finds it in `engine(spec)` instead of loading the files again, so
the data's pages are shared copy-on-write by the fork server and its workers. `gc.freeze()` moves every object
made so far out of the collector's reach, so a collection in a worker never writes to (and so copies) their pages.
A fork server started earlier by this process (another app in the same process) keeps its own data: a worker whose
spec differs opens its engine itself, as it would without this module.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
from collections.abc import Sequence
from multiprocessing import forkserver
from typing import Any

from govkg.engine.runner import Spec

__all__ = ["engine", "start_forkserver"]

VARIABLE = "_GOVKG_RESIDENT_SPEC"  # not GOVKG_*: create_app reads those as configuration
_loaded: tuple[Spec, Any] | None = None  # (spec, its engine), in the fork server and its workers


def start_forkserver(modules: Sequence[str], spec: Spec | None) -> None:
    """Start the fork server now (it imports `modules`, then loads `spec`'s engine, while this process goes on with
    its own set-up); nothing when this process started it already."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*modules, *([__name__] if spec is not None else [])])
    saved = os.environ.pop(VARIABLE, None)
    if spec is not None:
        os.environ[VARIABLE] = base64.b64encode(pickle.dumps(spec)).decode("ascii")
    try:
        forkserver.ensure_running()
    finally:
        os.environ.pop(VARIABLE, None)
        if saved is not None:
            os.environ[VARIABLE] = saved


def engine(spec: Spec) -> Any | None:
    """The engine the fork server loaded, if it is `spec`'s; else None (the worker opens its own)."""
    if _loaded is not None and _loaded[0] == spec:
        return _loaded[1]
    return None


def _load() -> None:
    """Open the engine of the spec this fork server was started with (see the module); a spec that cannot be opened
    is left to the workers, which report why to the server."""
    global _loaded
    encoded = os.environ.pop(VARIABLE, None)
    if encoded is None:
        return
    with contextlib.suppress(Exception):  # the worker opening it again reports the error as a one-line message
        spec = pickle.loads(base64.b64decode(encoded))
        _loaded = (spec, spec.open())
    with contextlib.suppress(OSError, AttributeError):  # glibc only: give the loader's freed memory back first
        ctypes.CDLL(None).malloc_trim(0)
    gc.collect()
    gc.freeze()


_load()
