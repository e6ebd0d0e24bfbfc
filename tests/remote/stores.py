"""Real SPARQL stores for tests, each started in a temporary folder on free 127.0.0.1 ports and stopped on exit.

`oxigraph_store(folder)`: the Oxigraph server (PyPI `oxigraph`, the binary beside the venv's python), on disk in
FOLDER; no authentication: its query, update and Graph Store endpoints are open to whoever reaches 127.0.0.1.
`virtuoso_store(folder)`: OpenLink Virtuoso (Debian `virtuoso-opensource`: `virtuoso-t`, `isql-vt`) with an ini
that puts its database, transaction log, temporary database and log in FOLDER, listens on 127.0.0.1 only, lifts
the row limits (ResultSetMaxRows, MaxSortedTopRows) and caps a query at 30 s. The anonymous endpoints (`/sparql`,
`/sparql-graph-crud`) read only; writes go through `/sparql-graph-crud-auth` (GSP) or `/sparql-auth` (update)
with HTTP Digest as `dba`, whose password is set to a random one at start (the default `dba/dba` never outlives
the start-up). Each yields a `Store`: its endpoints, credentials and how long it took to answer its first query.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

from parallel import claim_port

START_TIMEOUT = 60.0  # seconds: a fresh Virtuoso database answers in ~4 s here; CI machines may be slower
STOP_TIMEOUT = 10.0
USER = "dba"


@dataclass(frozen=True)
class Store:
    """A running SPARQL store: where to query, update and write graphs, and as whom."""

    name: str
    query_url: str  # SPARQL 1.1 Protocol query endpoint (anonymous, read-only on Virtuoso)
    update_url: str  # SPARQL 1.1 Update endpoint (Digest-authenticated on Virtuoso)
    graph_store_url: str  # Graph Store Protocol endpoint for writes: `?graph=IRI` (Digest-authenticated on Virtuoso)
    user: str | None  # None: the store takes no credentials (Oxigraph)
    password: str | None
    log: Path  # what the store wrote (its log file, or its stdout and stderr)
    started_in: float  # seconds from launch to the first answered query

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener that answers the store's HTTP Digest challenge with its credentials (if it has any)."""
        if self.user is None or self.password is None:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, [self.update_url, self.graph_store_url], self.user, self.password)
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))


class StoreFailed(RuntimeError):
    """A store did not start (the message ends with the tail of its log)."""


class PortTaken(StoreFailed):
    """A port picked was bound by someone else before the store bound it."""


def oxigraph_binary() -> Path | None:
    """The `oxigraph` server binary: the one beside this python (the venv's, from PyPI) or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = beside if beside.exists() else shutil.which("oxigraph")
    return Path(found) if found else None


def virtuoso_binaries() -> tuple[Path, Path] | None:
    """`virtuoso-t` and its SQL client (Debian names it `isql-vt`; an upstream build puts `isql` beside it)."""
    server = shutil.which("virtuoso-t")
    if server is None:
        return None
    client = shutil.which("isql-vt") or Path(server).parent / "isql"
    return (Path(server), Path(client)) if Path(client).exists() else None


@contextmanager
def oxigraph_store(folder: Path) -> Iterator[Store]:
    """Run `oxigraph serve --location FOLDER/db` on a free 127.0.0.1 port until the block ends."""
    binary = oxigraph_binary()
    if binary is None:
        raise StoreFailed("oxigraph: no `oxigraph` binary (pip install oxigraph)")
    with _retrying(lambda: _start_oxigraph(binary, folder)) as store:
        yield store


@contextmanager
def virtuoso_store(folder: Path) -> Iterator[Store]:
    """Run `virtuoso-t +foreground` on a database in FOLDER, free 127.0.0.1 ports, a random dba password."""
    binaries = virtuoso_binaries()
    if binaries is None:
        raise StoreFailed("virtuoso: no `virtuoso-t` and `isql-vt` (apt-get install virtuoso-opensource-7-bin)")
    with _retrying(lambda: _start_virtuoso(*binaries, folder)) as store:
        yield store
    for database in store.log.parent.glob("*.db"):  # ~55 MB each run; the logs stay
        database.unlink()


STORES: dict[str, Callable[[Path], AbstractContextManager[Store]]] = {
    "oxigraph": oxigraph_store,
    "virtuoso": virtuoso_store,
}
FOUND: dict[str, Callable[[], object]] = {"oxigraph": oxigraph_binary, "virtuoso": virtuoso_binaries}


@contextmanager
def _retrying(start: Callable[[], tuple[subprocess.Popen[bytes], Store]]) -> Iterator[Store]:
    """Start a store (once more on fresh ports if a port was taken meanwhile); stop it however the block ends."""
    try:
        process, store = start()
    except PortTaken:
        process, store = start()
    try:
        yield store
    finally:
        _stop(process)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now and given to no other test of this run (tests/conftest.py imports it
    from here: conftest imports this package's fixtures, so this module cannot import conftest)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if claim_port(port):
            return port


def _start_oxigraph(binary: Path, folder: Path) -> tuple[subprocess.Popen[bytes], Store]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / f"oxigraph-{port}.log"
    command = [str(binary), "serve", "--location", str(folder / f"db-{port}"), "--bind", f"127.0.0.1:{port}"]
    store = Store("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", None, None, log, 0.0)
    return _launch(command, folder, log, log, store)


def _start_virtuoso(server: Path, client: Path, folder: Path) -> tuple[subprocess.Popen[bytes], Store]:
    http, sql = free_port(), free_port()
    home = folder / f"virtuoso-{http}"
    home.mkdir()
    (home / "virtuoso.ini").write_text(virtuoso_ini(home, http, sql), encoding="utf-8")
    base = f"http://127.0.0.1:{http}"
    password = secrets.token_hex(16)
    store = Store(
        "virtuoso", f"{base}/sparql", f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth", USER, password,
        home / "virtuoso.log", 0.0,
    )  # fmt: skip
    command = [str(server), "-c", "virtuoso.ini", "+foreground"]
    process, store = _launch(command, home, home / "console.log", store.log, store)
    try:
        _set_passwords(client, sql, password)
    except BaseException:
        _stop(process)
        raise
    return process, store


def virtuoso_ini(home: Path, http_port: int, sql_port: int) -> str:
    """A virtuoso.ini whose files all live in HOME and whose listeners are on 127.0.0.1 only."""
    sections: dict[str, dict[str, object]] = {
        "Database": {
            "DatabaseFile": home / "virtuoso.db",
            "ErrorLogFile": home / "virtuoso.log",
            "LockFile": home / "virtuoso.lck",
            "TransactionFile": home / "virtuoso.trx",
            "xa_persistent_file": home / "virtuoso.pxa",
            "ErrorLogLevel": 7,
            "FileExtend": 200,
            "Striping": 0,
            "TempStorage": "TempDatabase",
        },
        "TempDatabase": {
            "DatabaseFile": home / "virtuoso-temp.db",
            "TransactionFile": home / "virtuoso-temp.trx",
            "Striping": 0,
        },
        "Parameters": {
            "ServerPort": f"127.0.0.1:{sql_port}",
            "DisableUnixSocket": 1,
            "CaseMode": 2,
            "DirsAllowed": f"., {home}",  # the bulk loader (ld_dir) reads only from these
            "NumberOfBuffers": 10000,
            "MaxDirtyBuffers": 6000,
            "MaxQueryMem": "500M",
            "ThreadsPerQuery": 2,
            "MaxSortedTopRows": 10_000_000,  # ORDER BY with LIMIT/OFFSET past 10,000 rows fails by default
            "CheckpointInterval": 60,
        },
        "HTTPServer": {
            "ServerPort": f"127.0.0.1:{http_port}",
            "ServerRoot": home,
            "ServerThreads": 10,
            "MaxClientConnections": 10,
            "EnabledGzipContent": 0,
        },
        "SPARQL": {
            "ResultSetMaxRows": 10_000_000,  # over it Virtuoso truncates silently (200, header X-SPARQL-MaxRows)
            "MaxQueryCostEstimationTime": 0,  # 0: no refusal on the optimiser's estimate
            "MaxQueryExecutionTime": 30,  # seconds; over it: HTTP 500 "SR171: Transaction timed out"
        },
    }
    return "".join(
        f"[{name}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items()) + "\n"
        for name, entries in sections.items()
    )


def _launch(
    command: list[str], cwd: Path, output: Path, log: Path, store: Store
) -> tuple[subprocess.Popen[bytes], Store]:
    """Start COMMAND in its own process group and wait until the store answers `ASK {}`."""
    started = time.monotonic()
    with output.open("ab") as sink:
        process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, start_new_session=True
        )
    try:
        _wait_for_sparql(process, store.query_url, [output, log])
    except BaseException:
        _stop(process)
        raise
    return process, replace(store, started_in=time.monotonic() - started)


def _wait_for_sparql(process: subprocess.Popen[bytes], query_url: str, logs: list[Path]) -> None:
    """Poll `ASK {}` until it answers 200; raise if the process exits or START_TIMEOUT passes."""
    url = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = _tail(logs)
            taken = "Address already in use" in said or "Failed HTTP listen" in said
            raise (PortTaken if taken else StoreFailed)(f"{query_url}: exited with {process.returncode}: {said}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as answer:  # Virtuoso answers 404 while its SPARQL service starts
            answer.close()
        except (OSError, http.client.HTTPException):  # not listening yet
            pass
        time.sleep(0.05)
    raise StoreFailed(f"{query_url}: no answer within {START_TIMEOUT:.0f} s: {_tail(logs)}")


def _set_passwords(client: Path, sql_port: int, password: str) -> None:
    """Replace the default passwords (`dba`/`dba`, `dav`/`dav`) over isql, through its standard input (not its
    arguments, which other local users can read in the process list)."""
    dav = secrets.token_hex(16)  # `dav` may write WebDAV (not graphs): nobody needs it, so nobody gets it
    script = f"USER_SET_PASSWORD('dba', '{password}');\nUSER_CHANGE_PASSWORD('dav', 'dav', '{dav}');\n"
    done = subprocess.run(
        [str(client), f"127.0.0.1:{sql_port}", "dba", "dba", "VERBOSE=OFF", "ERRORS=STDOUT"],
        input=script.encode(), capture_output=True, timeout=30, check=False,
    )  # fmt: skip
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    if done.returncode != 0 or "Error" in said:
        raise StoreFailed(f"virtuoso: could not set the dba password over isql: {said.strip()[-500:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group (TERM, then KILL after STOP_TIMEOUT)."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            pass
    _signal_group(process, signal.SIGKILL)
    process.wait()


def _signal_group(process: subprocess.Popen[bytes], sign: signal.Signals) -> None:
    with suppress(ProcessLookupError):  # the group is gone already
        os.killpg(process.pid, sign)


def _tail(logs: list[Path], size: int = 800) -> str:
    """The end of the first log that has something in it."""
    for log in logs:
        if log.exists() and log.stat().st_size:
            return log.read_text("utf-8", "replace")[-size:].strip()
    return "(nothing logged)"
