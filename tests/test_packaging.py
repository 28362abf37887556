"""The metadata states ranges, constraints.txt the exact versions the suite runs with, and a
fresh install from the metadata alone (what `pipx install .` or `uv tool install .` does) resolves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins() -> dict[str, str]:
    pinned = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pinned[canonicalize_name(name)] = version
    return pinned


def requirements() -> list[Requirement]:
    return [Requirement(r) for r in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["test"]]]


def test_the_metadata_states_ranges_not_exact_pins() -> None:
    # An exact pin in an installed application fights every other package in the user's
    # environment; exact versions belong in constraints.txt.
    exact = [str(r) for r in requirements() if any(s.operator in ("==", "===") for s in r.specifier)]
    assert exact == []
    unbounded = [str(r) for r in requirements() if not r.specifier]
    assert unbounded == []


def test_every_dependency_is_pinned_in_constraints_within_its_range() -> None:
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} has no pin in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {name}=={pinned[name]}, outside pyproject's {requirement.specifier}")


def test_the_snapshot_tools_are_pinned_where_the_snapshots_were_made() -> None:
    pinned = pins()
    assert pinned["pytest-textual-snapshot"] == "1.1.0" and pinned["syrupy"] == "4.8.0"
    assert pinned["pytest"].startswith("8.4.")
    assert {"textual", "rich", "plotext", "textual-plotext"} <= pinned.keys()


def test_the_licence_ships_with_the_metadata() -> None:
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    assert PROJECT["classifiers"] and PROJECT["keywords"] and PROJECT["authors"]


def _pip(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def _registry_reachable(tmp_path: Path) -> bool:
    """One small download the cache cannot answer: the registry is there, or it is not."""
    return _pip("download", "--no-deps", "--no-cache-dir", "--quiet", "--dest", str(tmp_path / "probe"),
                "shtab==1.13.0", timeout=60).returncode == 0


@pytest.mark.network
def test_a_fresh_install_from_the_ranges_resolves(tmp_path: Path) -> None:
    """What `pipx install .` or `uv tool install .` does: resolve the metadata's ranges against
    the registry as if nothing were installed (the report is the resolution, no venv is made).
    The newest versions the ranges allow are picked, not constraints.txt's."""
    report = tmp_path / "report.json"
    resolved = _pip("install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report), ".")
    if resolved.returncode != 0:
        if not _registry_reachable(tmp_path):
            # CI installs the suite from the registry, so there it is a failure, never a skip.
            if os.environ.get("CI"):
                pytest.fail("no package registry reachable; cannot prove the ranges resolve")
            pytest.skip("no package registry reachable")
        pytest.fail(f"the ranges in pyproject.toml do not resolve:\n{resolved.stderr}")
    installed = {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
                 for item in json.loads(report.read_text(encoding="utf-8"))["install"]}
    assert "csi-tui" in installed
    for requirement in (Requirement(r) for r in PROJECT["dependencies"]):
        name = canonicalize_name(requirement.name)
        assert requirement.specifier.contains(installed[name], prereleases=True), (name, installed[name])
