"""A process and its descendants, read from /proc: who they are and how much CPU they have used."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cpu_seconds", "descendants"]

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents.setdefault(int(_stat(int(entry.name))[1]), []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by `pid` and its descendants, reaped children included (utime+stime+cutime+cstime)."""
    total = 0
    for each in [pid, *descendants(pid)]:
        try:
            total += sum(int(v) for v in _stat(each)[11:15])
        except (OSError, IndexError, ValueError):
            continue
    return total / TICKS
