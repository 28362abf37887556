"""A non-editable install works and carries the templates and scales inside the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_built_wheel_ships_the_data_and_runs_from_site_packages(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(wheels), str(REPO)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (wheel,) = wheels.glob("csi_tui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {name for name in names if name.startswith("csi_tui/data/")}
    assert {f"csi_tui/data/templates/{t}.toml" for t in ("itil4-dimensions", "itil4-practices", "itil4-svs")} <= shipped
    assert {f"csi_tui/data/scales/{s}.toml" for s in ("itil-v3", "itil4-capability", "cmmi")} <= shipped
    assert {f"csi_tui/data/reports/report.{kind}.j2" for kind in ("html", "md")} <= shipped  # the report templates
    assert "csi_tui/app.tcss" in names and "csi_tui/screens/home.tcss" in names
    # The room's page: served from the package, never from a CDN.
    assert {f"csi_tui/room/page/{name}" for name in ("index.html", "room.js", "room.css")} <= names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    # Run from elsewhere with the installed copy first on the path, so the source tree cannot help.
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = "import csi_tui.templates as t; print(t.data_dir())"
    where = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where) == target / "csi_tui" / "data"
    listed = subprocess.run([sys.executable, "-m", "csi_tui", "templates", "--json"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert len(json.loads(listed)["templates"]) == 3
