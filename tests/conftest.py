"""Shared fixtures. Every test gets its own user data directory, so nothing touches a real
facilitator's workshops, and databases are built fresh in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from csi_tui.domain.models import WorkshopDraft
from csi_tui.store.workshop_store import WorkshopStore, open_store
from csi_tui.templates import load_scale, load_template

# Shared, noisy machines: no per-example deadline; the property itself is what is tested.
settings.register_profile("csi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("csi")

FIXED_NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("xdg")
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    # pytest-xdist's workers set COLUMNS=80 and LINES=24, and Textual takes them over the size of
    # the terminal: an app started on a 200 x 50 pseudo-terminal would draw for 80 x 24.
    for variable in ("COLUMNS", "LINES"):
        monkeypatch.delenv(variable, raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workshops.db"


@pytest.fixture
def store(db_path: Path) -> WorkshopStore:
    with open_store(db_path, clock=fixed_clock) as opened:
        yield opened


def create_workshop(
    store: WorkshopStore, template: str = "itil4-dimensions", scale: str = "cmmi", title: str = "Service desk CSI"
) -> int:
    chosen_template, chosen_scale = load_template(template), load_scale(scale)
    draft = WorkshopDraft(
        title=title, organisation="Acme", scope="Service desk", facilitator="Ann",
        template_id=chosen_template.id, scale_id=chosen_scale.id,
    )
    return store.create_workshop(draft, chosen_template, chosen_scale).id


RunCli = Callable[..., subprocess.CompletedProcess[str]]


def cli_process(*args: str, prefix: tuple[str, ...] = (), timeout: float = 60, **kwargs: object
                ) -> subprocess.CompletedProcess[str]:
    """Run `python -m csi_tui ...` as a person would, with no terminal attached. A plain function
    as well as the fixture below, so a module-scoped fixture can run many at once."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "csi_tui", *args],
        capture_output=True, text=True, timeout=timeout, stdin=kwargs.pop("stdin", subprocess.DEVNULL),
        env={**os.environ, **kwargs.pop("env", {})}, **kwargs,
    )


@pytest.fixture
def run_cli() -> RunCli:
    """Run `python -m csi_tui ...` as a person would, with no terminal attached."""
    return cli_process
