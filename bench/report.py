"""The runner's tables (plain text and Markdown) and the description of the machine and of every server's version."""

from __future__ import annotations

import contextlib
import datetime
import importlib.metadata
import os
import platform
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

import servers

MIB = 1024 * 1024
REFERENCE = "oxigraph-mem"  # the ratio's denominator: the Rust server on the same engine, in memory
PACKAGES = ("pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "flask", "waitress", "granian", "uvicorn")


def median(runs: list[dict[str, Any]], key: str) -> float:
    """The median of one figure over the rounds (0 for none)."""
    return float(statistics.median(r[key] for r in runs)) if runs else 0.0


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the rounds' figures, with their total errors."""
    keys = ("rps", "p50_ms", "p99_ms", "cpu_ms")
    return {**{k: round(median(runs, k), 3) for k in keys}, "errors": sum(r["errors"] for r in runs)}


def ratio(cell: dict[str, dict[str, Any]], top: str, bottom: str) -> str:
    """req/s of `top` over req/s of `bottom`, as '0.52x' ('-' when either is missing)."""
    a, b = cell.get(top), cell.get(bottom)
    return f"{a['rps'] / b['rps']:.2f}x" if a and b and b["rps"] else "-"


def speed_rows(size: dict[str, Any], names: list[str]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the throughput table: per query and concurrency, each server's req/s, p50 and p99."""
    header = ["query", "kind", "c"]
    for name in names:
        header += [f"{name} req/s", f"{name} p50/p99 ms"]
    mine, theirs = ("govkg", "govkg-granian", "govkg-remote"), ("oxigraph-mem", "rdflib-endpoint")
    ratios = [(g, n) for g in mine for n in theirs if g in names and n in names]
    header += [f"{g}/{n}" for g, n in ratios]
    rows = []
    for cell in size["cells"]:
        row = [cell["query"], cell["kind"], str(cell["concurrency"])]
        for name in names:
            s = cell["servers"].get(name)
            mark = "*" if s and s.get("client") == "python" and size.get("client") == "wrk" else ""
            errors = f" ({s['errors']} err)" if s and s["errors"] else ""
            row += [f"{s['rps']:.1f}{mark}{errors}", f"{s['p50_ms']:.1f} / {s['p99_ms']:.1f}"] if s else ["-", "-"]
        rows.append(row + [ratio(cell["servers"], g, n) for g, n in ratios])
    return header, rows


def cpu_rows(size: dict[str, Any], names: list[str]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the server CPU milliseconds per request (every process of each server)."""
    rows = [
        [c["query"], str(c["concurrency"])]
        + [f"{c['servers'][n]['cpu_ms']:.2f}" if n in c["servers"] else "-" for n in names]
        for c in size["cells"]
    ]
    return ["query", "c", *(f"{n} CPU ms/req" for n in names)], rows


def start_rows(size: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of time to first answer and peak memory per server."""
    header = ["server", "first answer s", "prepare s", "peak RSS MiB", "peak PSS MiB", "RSS / oxigraph-mem", "how"]
    ref = size["servers"].get(REFERENCE, {}).get("peak_rss", 0)
    rows = [
        [
            name,
            f"{s['ttfa_s']:.2f}",
            f"{s['prepare_s']:.2f}" if s["prepare_s"] else "-",
            f"{s['peak_rss'] / MIB:.0f}",
            f"{s['peak_pss'] / MIB:.0f}",
            f"{s['peak_rss'] / ref:.1f}x" if ref else "-",
            s["note"],
        ]
        for name, s in size["servers"].items()
    ]
    return header, rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(r) + " |" for r in [header, ["---"] * len(header), *rows]]
    return "\n".join(lines)


def tables(size: dict[str, Any], table: Any = text_table) -> list[str]:
    """The three tables of one data size."""
    names = list(size["servers"])
    return [table(*speed_rows(size, names)), table(*cpu_rows(size, names)), table(*start_rows(size))]


def version(argv: list[str]) -> str:
    """The first line a tool prints for --version, or 'absent'."""
    with contextlib.suppress(OSError, subprocess.SubprocessError, IndexError):
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    return "absent"


def machine() -> dict[str, str]:
    """The CPU, OS, date and the versions of every server, package and client measured."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    found = {}
    for name in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{len(os.sched_getaffinity(0))} x {cpu}",
        "os": platform.platform(),
        "python": platform.python_version(),
        "govkg": version([servers.tool("govkg"), "--version"]),
        "oxigraph": version([servers.tool("oxigraph"), "--version"]),
        "wrk": version(["wrk", "--version"]) if shutil.which("wrk") else "absent",
        "packages": ", ".join(f"{k} {v}" for k, v in found.items()),
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def markdown(result: dict[str, Any]) -> str:
    """The whole run as Markdown: command, machine, then per data size the three tables."""
    info = result["machine"]
    lines = [
        f"Command: `{result['command']}`",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
        NOTES,
    ]
    for label, size in result["sizes"].items():
        lines += ["", f"### {label}", "", f"Data: `{size['data']}`; client: {size['client']}.", ""]
        lines += ["\n\n".join(tables(size, markdown_table))]
        if size["mismatches"]:
            lines += ["", "**Answer sizes differ:** " + "; ".join(size["mismatches"])]
    return "\n".join(lines) + "\n"


NOTES = (
    "req/s and latencies are medians over interleaved rounds (closed loop, c requests in flight); every request's "
    "query text is distinct (a trailing `#n` comment), so no server answers from a cache keyed on it. `*`: "
    "measured with the Python client because one answer takes longer than a wrk round. CPU ms/req: user + system "
    "CPU of the server's whole process tree per request. First answer: from spawn to the first answered "
    "`ASK { ?s ?p ?o }` (for oxigraph-mem the POST /store of the data included; for oxigraph-disk the "
    "`oxigraph load` is the prepare column). RSS counts pages shared between forked processes once per process; "
    "PSS divides them among their users; the peak RSS target (<= 2x oxigraph-mem) is read on RSS."
)
