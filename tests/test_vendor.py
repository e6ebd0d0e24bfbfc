"""The vendored front-end files are exactly those the manifest records (offline; scripts/vendor.py re-fetches them)."""

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "scripts" / "vendor.json").read_text(encoding="utf-8"))
FILES = [(pkg, name) for pkg in MANIFEST["packages"] for name in pkg["sha256"]]


@pytest.mark.parametrize(("pkg", "name"), FILES, ids=[f"{p['name']}/{n}" for p, n in FILES])
def test_file_matches_its_recorded_digest(pkg: dict, name: str) -> None:
    path = ROOT / pkg["dest"] / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == pkg["sha256"][name]


@pytest.mark.parametrize("pkg", MANIFEST["packages"], ids=lambda p: p["name"])
def test_every_package_has_its_licence_and_a_readme_entry(pkg: dict) -> None:
    assert "LICENSE" in pkg["sha256"]
    assert pkg["integrity"].startswith("sha512-")
    readme = (ROOT / pkg["folder"] / "README.md").read_text(encoding="utf-8")
    assert f"## {pkg['name']} {pkg['version']} ({pkg['licence']})" in readme


def test_every_named_file_is_recorded() -> None:
    for pkg in MANIFEST["packages"]:
        assert {Path(src).name for src in pkg["files"]} <= set(pkg["sha256"])


def test_axe_is_not_served() -> None:
    static = ROOT / "src" / "govkg" / "web" / "static"
    assert not list(static.rglob("axe*.js"))
