"""Peak memory of process trees, sampled from /proc every ~50 ms: RSS (resident pages, counted once per process, so
pages shared by forked workers count several times) and PSS (/proc/PID/smaps_rollup: each shared page divided
among the processes mapping it, so the tree's sum is what it really holds)."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

KIB = 1024
INTERVAL = 0.05
REFRESH = 10  # samples between two walks of /proc for new children (the walk costs more than a sample)


def children() -> dict[int, list[int]]:
    """Every live process's children, by parent pid."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def tree(root: int, links: dict[int, list[int]] | None = None) -> list[int]:
    """`root` and all its descendants."""
    links = children() if links is None else links
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(links.get(pid, []))
    return found


def field_kib(path: Path, name: str) -> int:
    """A `Name:  N kB` field of a /proc status-like file, in KiB (0 if the process is gone)."""
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def usage(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in bytes, summed over the processes."""
    rss = sum(field_kib(Path(f"/proc/{pid}/status"), "VmRSS") for pid in pids)
    pss = sum(field_kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss") for pid in pids)
    return rss * KIB, pss * KIB


class Sampler:
    """A daemon thread recording the peak RSS and PSS of each watched process tree until stopped."""

    def __init__(self, interval: float = INTERVAL) -> None:
        self.interval = interval
        self.roots: dict[str, int] = {}
        self.peaks: dict[str, dict[str, int]] = {}
        self.members: dict[str, list[int]] = {}
        self._count = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="rss-sampler")

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def watch(self, name: str, pid: int) -> None:
        """Start sampling the tree rooted at `pid` under `name`."""
        with self._lock:
            self.roots[name] = pid
            self.peaks.setdefault(name, {"rss": 0, "pss": 0})

    def sample(self) -> None:
        """One sample of every watched tree (its members found again every REFRESH samples)."""
        links = children() if self._count % REFRESH == 0 else None
        self._count += 1
        with self._lock:
            for name, pid in self.roots.items():
                if links is not None or name not in self.members:
                    self.members[name] = tree(pid, links)
                rss, pss = usage(self.members[name])
                peak = self.peaks[name]
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()
