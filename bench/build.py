"""`govkg build` stage by stage, on the corpus and on generated projects (issue 14, point 6).

    python bench/build.py                          # corpus, 10k and 100k generated projects
    python bench/build.py --sizes 10000 --owlrl    # also owlrl's naive reasoner, for the before/after figures
    python bench/build.py --sizes ''               # the corpus only

Per project: extract (annotation rows → claims, `govkg extract`), then the stages `govkg build --timings` times
(load, validate, reason, serialize, statistics, write). Prints seconds of CPU per stage and size (CPU time is the
stable figure on a shared machine), the 100k/10k ratio per stage, and the corpus rebuilt after one annotation row
changed (`govkg extract` + `govkg build`). Generated projects: `bench/generate.py --project`, cached in --cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from govkg import build, load, reason
from govkg.extract import extract
from govkg.namespaces import DEFAULT_BASE

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def project(triples: int, cache: Path) -> Path:
    """A generated project of about `triples` triples (made once per size in `cache`)."""
    folder = cache / f"project-{triples}"
    if not (folder / "data").is_dir():
        command = [sys.executable, str(HERE / "generate.py"), "--triples", str(triples), "--project", str(folder)]
        subprocess.run(command, check=True, capture_output=True)
    return folder


def stages(root: Path, out: Path, owlrl: bool = False) -> dict[str, float]:
    """CPU seconds per stage of extracting and building `root` into `out` (and owlrl's closure when asked)."""
    clock = build.Clock()
    with clock.stage("extract"):
        ontology = load.parse_files((root / "ontology").glob("*.ttl"))
        extract(root / "data" / "sources", root / "data" / "annotations", ontology)
    build.write(build.build(root, DEFAULT_BASE, clock), out, clock)
    if owlrl:
        graphs = load.project_graphs(root, DEFAULT_BASE)
        with clock.stage("reason (owlrl)"):
            reason.owl_rl({t for name in build.REASONING_INPUTS for t in graphs[name]})
    return {name: cpu for name, (cpu, _) in clock.stages.items()}


def one_row_changed(corpus: Path, work: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `govkg extract` + `govkg build` on a corpus copy with one row's comment changed."""
    copy = work / "corpus"
    for name in build.INPUT_FOLDERS:
        shutil.copytree(corpus / name, copy / name, dirs_exist_ok=True)
    rows = sorted((copy / "data" / "annotations").glob("*.tsv"))[0]
    lines = rows.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if not line.startswith(("#", "@")) and line.count("\t") == 4)
    lines[index] = lines[index].rstrip("\n") + " (edited)\n"  # the comment column
    rows.write_text("".join(lines), encoding="utf-8")
    govkg = [sys.executable, "-c", "import sys; from govkg.cli import main; sys.exit(main())", "--root", str(copy)]
    wall, cpu = time.perf_counter(), _children_cpu()
    for command in ("extract", "build"):
        done = subprocess.run([*govkg, command], check=False, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"govkg {command} failed on the edited corpus: {done.stderr.strip()}")
    return time.perf_counter() - wall, _children_cpu() - cpu


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def table(results: dict[str, dict[str, float]]) -> str:
    """Stage by project CPU seconds, with the 100k/10k ratio when both were measured."""
    names = list(results)
    stage_names = list(dict.fromkeys(s for r in results.values() for s in r))
    ratio = "100000" in names and "10000" in names
    head = f"{'stage':<16}" + "".join(f"{n:>10}" for n in names) + ("  100k/10k" if ratio else "")
    rows = [head, "-" * len(head)]
    for stage in [*stage_names, "total"]:
        values = {n: sum(r.values()) - r.get("reason (owlrl)", 0.0) if stage == "total" else r.get(stage) for n, r in
                  results.items()}  # fmt: skip
        cells = "".join(f"{v:>10.2f}" if v is not None else f"{'-':>10}" for v in values.values())
        small, large = values.get("10000"), values.get("100000")
        extra = f"  {large / small:>8.1f}x" if ratio and small and large is not None else ""
        rows.append(f"{stage:<16}{cells}{extra}")
    return "\n".join(rows)


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="generated project sizes, comma-separated")
    parser.add_argument("--owlrl", action="store_true", help="also time owlrl's naive closure (slow at 100k)")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "bench", help="where generated projects go")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        results = {"corpus": stages(ROOT, Path(tmp) / "corpus-out", args.owlrl)}
        for size in sizes:
            results[str(size)] = stages(project(size, args.cache), Path(tmp) / f"out-{size}", args.owlrl)
        print("CPU seconds per stage of `govkg extract` + `govkg build`:")
        print(table(results))
        wall, cpu = one_row_changed(ROOT, Path(tmp))
        print(f"\ncorpus, one annotation row changed: govkg extract + govkg build in {wall:.1f} s ({cpu:.1f} s CPU)")


if __name__ == "__main__":
    main()
