"""How the suite shares the machine (hooks that conftest.py takes in).

A run of the whole suite (`python -m pytest`, no paths: the testpaths) is spread over WORKERS pytest-xdist
processes; a run of chosen paths stays in one process unless `-n` says otherwise. Tests that time themselves
(deadlines, latencies, a soak) are marked `alone`: one worker runs them one after another (an xdist group), and
while one runs no other test does, so their thresholds never depend on what the rest of the suite is doing. Every
other test holds a shared lock while it runs (set-up and tear-down included); an `alone` test holds it exclusively.
The lock prefers the `alone` side: once one waits, no new test starts until it has run. Tests that use a
module-scoped fixture run on the worker that runs the rest of their module, so that the fixture is made once.
Tests marked `long` (tens of seconds) are handed out before the other single tests.

The summaries plugins print after a run (the client matrix, the W3C tally: plugins named `govkg-...`) are written
in the worker that ran their tests (each in one xdist group) and printed by the controller.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import IO

import pytest
from _pytest.nodeid import NodeId

__all__ = [
    "claim_port",
    "pytest_collection_modifyitems",
    "pytest_runtest_protocol",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
    "pytest_xdist_auto_num_workers",
]

WORKERS = 4  # two cores; many tests wait on servers and subprocesses, so more processes keep both busy
ALONE = "alone"
LONG = "long"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): WORKERS for the whole suite, 0 (no xdist) for chosen paths."""
    return WORKERS if config.args_source is pytest.Config.ArgsSource.TESTPATHS else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a worker (`--dist loadgroup`): each test's xdist group in its node id, where the controller reads it.
    pytest-xdist 3.8 writes it where pytest 9.2 no longer looks (pytest-dev/pytest-xdist#1386); this does it as the
    proposed fix (#1388) does, and nothing once the id has it."""
    if not config.getoption("loadgroup", default=False):
        return
    for item in items:
        group = _group(item)
        if group and "@" not in item.nodeid.rsplit("]", 1)[-1]:
            item._id = NodeId.parse(f"{item.nodeid}@{group}")  # type: ignore[attr-defined]
    # xdist hands out groups first (the largest first), then single tests in this order: the `long` ones first,
    # so that none of them starts last and keeps the run going alone.
    items.sort(key=lambda item: item.get_closest_marker(LONG) is None)


def _group(item: pytest.Item) -> str | None:
    """`alone` tests together; then the item's xdist_group marks; then its module, if it uses a module-scoped
    fixture (so that one worker makes it, once); else none (any worker)."""
    if item.get_closest_marker(ALONE):
        return ALONE
    named = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    if named:
        return "_".join(sorted(named))
    definitions = getattr(item, "_fixtureinfo").name2fixturedefs.values()  # noqa: B009 - pytest's own record
    shared = any(d.scope in ("class", "module", "package") for defs in definitions for d in defs)
    return item.nodeid.split("::")[0] if shared else None


class MachineLock:
    """A readers-writer lock between the xdist workers, on two files (flock): `gate` makes a waiting writer block
    new readers."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.gate: IO[str] = open(folder / "gate", "a")  # noqa: SIM115 - held for the whole session
        self.main: IO[str] = open(folder / "main", "a")  # noqa: SIM115
        self.held = 0

    def acquire(self, alone: bool) -> None:
        """Hold the lock shared, or exclusively (`alone`); nothing to do if it is held so already."""
        mode = fcntl.LOCK_EX if alone else fcntl.LOCK_SH
        if self.held == mode:
            return
        fcntl.flock(self.gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(self.main, mode)
        finally:
            fcntl.flock(self.gate, fcntl.LOCK_UN)
        self.held = mode

    def release(self) -> None:
        """Let go."""
        fcntl.flock(self.main, fcntl.LOCK_UN)
        self.held = 0


_lock: list[MachineLock] = []


def _machine_lock() -> MachineLock | None:
    """This worker's handle on the run's lock (None outside xdist: one process needs none)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return None
    if not _lock:
        _lock_folder(run).mkdir(exist_ok=True)
        _lock.append(MachineLock(_lock_folder(run)))
    return _lock[0]


def _lock_folder(run: str) -> Path:
    return Path(tempfile.gettempdir()) / f"govkg-tests-{run}"


def claim_port(port: int) -> bool:
    """Whether `port` may be used: False if another worker of this run claimed it already (ports come from the
    kernel at random, and two workers may be given the same one before either server binds it)."""
    lock = _machine_lock()
    if lock is None:
        return True
    with open(lock.folder / "ports", "a+") as ports:
        fcntl.flock(ports, fcntl.LOCK_EX)
        ports.seek(0)
        if str(port) in ports.read().split():
            return False
        ports.write(f"{port}\n")
    return True


def _alone(item: pytest.Item | None) -> bool:
    return item is not None and item.get_closest_marker(ALONE) is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    """Run the test (set-up, call, tear-down) under the machine lock; `alone` tests in a row keep it."""
    lock = _machine_lock()
    if lock is None:
        return (yield)
    lock.acquire(_alone(item))
    try:
        return (yield)
    finally:
        if not (_alone(item) and _alone(nextitem)):
            lock.release()


class _Recorder:
    """Stands for the terminal reporter in a worker: keeps what a summary plugin writes."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def section(self, title: str, *args: object, **kwargs: object) -> None:
        self.lines.append(("section", title))

    def write_line(self, line: str, *args: object, **kwargs: object) -> None:
        self.lines.append(("line", line))


SUMMARIES = "govkg_summaries"
_received: list[list[tuple[str, str]]] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a worker: what the govkg summary plugins would print, for the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is None:
        return
    recorder = _Recorder()
    for name, plugin in session.config.pluginmanager.list_name_plugin():
        if str(name).startswith("govkg-"):
            plugin.pytest_terminal_summary(recorder)
    output[SUMMARIES] = recorder.lines


def pytest_testnodedown(node: object, error: object) -> None:
    """In the controller: keep a worker's summaries; remove the run's lock files with the last worker."""
    _received.append(getattr(node, "workeroutput", {}).get(SUMMARIES, []))
    run = getattr(node, "workerinput", {}).get("testrunuid")
    if run and len(_received) == getattr(node, "workerinput", {}).get("workercount"):
        shutil.rmtree(_lock_folder(run), ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """In the controller: print the workers' summaries."""
    for lines in _received:
        for kind, text in lines:
            (terminalreporter.section if kind == "section" else terminalreporter.write_line)(text)
