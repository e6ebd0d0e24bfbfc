"""Drive `wrk` (Debian's C load generator) at one SPARQL GET: a Lua script sets the Accept header, can make every
request's query text distinct (a trailing comment with a per-thread counter), and prints the figures as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

# init() reads the path, the Accept header and whether to vary the text from the arguments after `--`;
# each wrk thread has its own Lua state, so the thread id keeps the varied texts distinct across threads.
SCRIPT = """local counter, vary = 0, false
local ids = 0
setup = function(thread)
  ids = ids + 1
  thread:set("tid", ids)
end
init = function(args)
  wrk.path = args[1]
  wrk.headers["Accept"] = args[2]
  wrk.headers["Accept-Encoding"] = "identity"
  vary = args[3] == "vary"
end
request = function()
  if not vary then
    return wrk.format("GET", wrk.path)
  end
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "%0A%23" .. tid .. "-" .. counter)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %.0f, "duration_us": %.0f, "p50_us": %.0f, "p99_us": %.0f, '
    .. '"errors": %.0f, "bytes": %.0f}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout + e.status, summary.bytes))
end
"""


def available() -> bool:
    """Whether wrk is on PATH."""
    return shutil.which("wrk") is not None


def script_file(folder: Path) -> Path:
    """Write the Lua script into `folder`; its path."""
    path = folder / "bench-wrk.lua"
    path.write_text(SCRIPT)
    return path


def run(
    base: str, path: str, accept: str, concurrency: int, seconds: float, script: Path, vary: bool = True
) -> dict[str, Any]:
    """One wrk run of `seconds` (whole seconds, at least 1) on `base` (http://host:port) + `path`."""
    duration = max(1, round(seconds))
    argv = ["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{duration}s"]
    argv += ["--timeout", f"{duration + 60}s", "-s", str(script), base, "--", path, accept, "vary" if vary else "same"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 120)
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    return parse(done.stdout)


def parse(output: str) -> dict[str, Any]:
    """The figures of one wrk run, from the line its done() hook prints."""
    line = next((line for line in output.splitlines() if line.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures: {output[-500:]}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": int(raw["requests"]),
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": int(raw["errors"]),
        "bytes": int(raw["bytes"] / max(1, raw["requests"])),
    }


def temporary_script() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder to hold the script (removed with it)."""
    return tempfile.TemporaryDirectory(prefix="bench-wrk-")
