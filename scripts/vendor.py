#!/usr/bin/env python3
"""Fetch govkg's vendored front-end files from the npm registry and check them against scripts/vendor.json.

    python3 scripts/vendor.py            fetch every package by exact version, check, copy, write the READMEs
    python3 scripts/vendor.py --check    offline: check the files already in place against the manifest
    python3 scripts/vendor.py --update   fetch and RECORD new digests (after editing a version in the manifest)

The tarball comes through `npm pack` (the npm client, its registry and cache); its SHA-512 must equal the manifest's
`integrity` (the registry's own Subresource-Integrity string) and each copied file's SHA-256 the manifest's `sha256`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "vendor.json"

# The standard MIT text, for a package that declares "license": "MIT" but ships no licence file
# (@zazuko/yasgui 4.6.2's tarball has none; this is the text of the upstream repository's LICENSE).
MIT_TEXT = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""


def sha256(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def sri(data: bytes) -> str:
    """The npm registry's integrity string (sha512, base64) of `data`."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def load_manifest() -> dict:
    """The committed manifest."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def npm_pack(spec: str, into: Path) -> tuple[Path, str]:
    """Download one package tarball by exact version with the npm client; its path and the registry's integrity."""
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
        cwd=into,
    )
    packed = json.loads(out.stdout)[0]
    return into / packed["filename"], packed["integrity"]


def tar_members(tarball: Path) -> dict[str, bytes]:
    """Regular files of an npm tarball, keyed by their path inside the package (without `package/`)."""
    with tarfile.open(tarball, "r:gz") as tar:
        return {
            m.name.split("/", 1)[1]: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        }


def licence_text(members: dict[str, bytes], meta: dict) -> bytes:
    """The package's licence file, or for an MIT package without one the MIT text under its declared authors."""
    if "LICENSE" in members:
        return members["LICENSE"]
    if meta.get("license") != "MIT":
        raise SystemExit(f"{meta['name']}: no LICENSE file and not MIT; add its licence by hand")
    names = [meta.get("author")] + [c.get("name") for c in meta.get("contributors", [])]
    holders = ", ".join(n if isinstance(n, str) else n.get("name", "") for n in names if n)
    return f"The MIT License (MIT)\n\nCopyright (c) {holders}\n\n{MIT_TEXT}".encode()


def wanted_files(pkg: dict, members: dict[str, bytes]) -> dict[str, bytes]:
    """Destination name -> bytes for the files the manifest names, plus the licence files."""
    meta = json.loads(members["package.json"])
    files = {Path(src).name: members[src] for src in pkg["files"]}
    files["LICENSE"] = licence_text(members, meta)
    files.update({name: members[name] for name in pkg.get("extra_licences", [])})
    return files


def fetch(pkg: dict, workdir: Path, update: bool) -> dict[str, bytes]:
    """Fetch and verify one package; with `update`, record its digests in `pkg` instead of checking them."""
    tarball, registry_integrity = npm_pack(f"{pkg['name']}@{pkg['version']}", workdir)
    blob = tarball.read_bytes()
    if sri(blob) != registry_integrity:
        raise SystemExit(f"{pkg['name']}@{pkg['version']}: tarball does not match the registry's integrity")
    if update:
        pkg["integrity"] = sri(blob)
    elif sri(blob) != pkg["integrity"]:
        raise SystemExit(f"{pkg['name']}@{pkg['version']}: tarball integrity differs from the manifest")
    files = wanted_files(pkg, tar_members(tarball))
    if update:
        pkg["sha256"] = {name: sha256(data) for name, data in files.items()}
    for name, data in files.items():
        if sha256(data) != pkg["sha256"].get(name):
            raise SystemExit(f"{pkg['name']}: {name} digest differs from the manifest")
    return files


def readme(folder: str, packages: list[dict]) -> str:
    """The README of one vendor folder: what, version, licence, digests, how to re-fetch."""
    lines = [
        "# Vendored third-party files",
        "",
        "Fetched from the npm registry by exact version with `python3 scripts/vendor.py` (it needs `npm`; it checks",
        "the tarball's npm integrity and each file's SHA-256 against `scripts/vendor.json`; `--check` re-checks",
        "offline and `tests/test_vendor.py` does the same in the test suite). Do not edit these files by hand: change",
        "the version in the manifest and run `python3 scripts/vendor.py --update`.",
        "",
    ]
    for pkg in packages:
        lines += [f"## {pkg['name']} {pkg['version']} ({pkg['licence']})", "", pkg["what"], ""]
        lines += [f"- tarball integrity: `{pkg['integrity']}`"]
        lines += [f"- `{pkg['dest'].removeprefix(folder + '/')}/{n}` sha256 `{d}`" for n, d in pkg["sha256"].items()]
        lines += [""]
    return "\n".join(lines)


def check_in_place(manifest: dict) -> list[str]:
    """Offline check of the files in the work tree; the list of problems (empty when all is well)."""
    problems = []
    for pkg in manifest["packages"]:
        for name, digest in pkg["sha256"].items():
            path = ROOT / pkg["dest"] / name
            if not path.is_file():
                problems.append(f"missing {path.relative_to(ROOT)}")
            elif sha256(path.read_bytes()) != digest:
                problems.append(f"digest differs: {path.relative_to(ROOT)}")
    return problems


def write(manifest: dict, fetched: dict[str, dict[str, bytes]]) -> None:
    """Copy the fetched files to their destinations and write one README per vendor folder."""
    for pkg in manifest["packages"]:
        dest = ROOT / pkg["dest"]
        dest.mkdir(parents=True, exist_ok=True)
        for name, data in fetched[pkg["name"]].items():
            (dest / name).write_bytes(data)
    for folder in sorted({pkg["folder"] for pkg in manifest["packages"]}):
        packages = [pkg for pkg in manifest["packages"] if pkg["folder"] == folder]
        (ROOT / folder / "README.md").write_text(readme(folder, packages), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="check the files in place, offline")
    mode.add_argument("--update", action="store_true", help="record the digests of what is fetched")
    args = parser.parse_args(argv)
    manifest = load_manifest()
    if args.check:
        problems = check_in_place(manifest)
        print("\n".join(problems) or "vendored files match the manifest")
        return 1 if problems else 0
    with tempfile.TemporaryDirectory() as tmp:
        fetched = {pkg["name"]: fetch(pkg, Path(tmp), args.update) for pkg in manifest["packages"]}
    write(manifest, fetched)
    if args.update:
        MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for pkg in manifest["packages"]:
        for name in pkg["sha256"]:
            path = ROOT / pkg["dest"] / name
            print(f"{path.stat().st_size:>10}  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
