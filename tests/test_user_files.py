"""The small files a person hands csi-tui (an assessment template or maturity scale, a report
template, the keymap) are outside input: whatever they hold, or whatever they are (a pipe, a
device, a file nested 100,000 deep, a template that divides by zero), the answer is one line
naming the file, never a traceback or a wait without end."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from csi_tui.cli import main
from csi_tui.domain.errors import InvalidInput
from csi_tui.keymap import load_keymap
from csi_tui.store.workshop_store import open_store
from csi_tui.templates import load_scale, load_template
from tests.conftest import create_workshop


def refusal(read: Callable[[], object]) -> str:
    """The one line `read` refuses with; fails if it answers anything else, or takes over 10 s."""
    outcome: list[BaseException | object] = []
    worker = threading.Thread(target=lambda: outcome.append(_catch(read)), daemon=True)
    worker.start()
    worker.join(10)
    assert outcome, "still reading after 10 s"
    (error,) = outcome
    assert isinstance(error, InvalidInput), repr(error)
    assert "\n" not in str(error)
    return str(error)


def _catch(read: Callable[[], object]) -> BaseException | object:
    try:
        return read()
    except BaseException as error:  # noqa: BLE001 - the test looks at what it was
        return error


def odd_files(tmp_path: Path, suffix: str) -> dict[str, Path]:
    pipe = tmp_path / f"pipe{suffix}"
    os.mkfifo(pipe)
    zeros = tmp_path / f"zeros{suffix}"
    zeros.symlink_to("/dev/zero")
    deep = tmp_path / f"deep{suffix}"
    deep.write_text(f'x = {"[" * 100_000}{"]" * 100_000}\n' if suffix == ".toml"
                    else f'{{"id": {"[" * 100_000}{"]" * 100_000}}}', encoding="utf-8")
    huge = tmp_path / f"huge{suffix}"
    huge.write_text("# " + "x" * (2 << 20) + "\n", encoding="utf-8")
    return {"a pipe": pipe, "a device": zeros, "nested 100,000 deep": deep, "over a megabyte": huge}


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_an_odd_template_or_scale_file_is_one_line(tmp_path: Path, suffix: str) -> None:
    for what, path in odd_files(tmp_path, suffix).items():
        for load in (load_template, load_scale):
            assert refusal(lambda: load(str(path))).startswith(f"{path}: "), what


def test_an_odd_keymap_is_one_line(tmp_path: Path) -> None:
    for what, path in odd_files(tmp_path, ".toml").items():
        assert refusal(lambda: load_keymap(path)).startswith(f"{path}: "), what


@pytest.fixture
def bare(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "w.db"
    with open_store(path) as store:
        workshop_id = create_workshop(store, title="<script>alert(1)</script>")
    return path, workshop_id


@pytest.mark.parametrize("content", [
    "{{ 1 / 0 }}",
    '{% include "/etc/passwd" %}',
    '{{ "%d" | format(10 ** 5000) }}',
    "{{ range(10 ** 12) | list }}",
    "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}",
])
def test_a_report_template_that_fails_as_it_runs_is_one_line(
        bare: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    path, workshop_id = bare
    template = tmp_path / "ours.html.j2"
    template.write_text(content, encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["--db", str(path), "export", str(workshop_id), "--format", "html", "-o", str(out),
                 "--template", str(template)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(template) in err and "the template failed" in err
    assert not out.exists()


@pytest.mark.parametrize("content", ["{{ report.title | safe }}", "{{ Markup(report.title) }}"])
def test_a_report_template_cannot_mark_user_text_as_safe(
        bare: tuple[Path, int], tmp_path: Path, content: str) -> None:
    path, workshop_id = bare
    template = tmp_path / "ours.html.j2"
    template.write_text(content, encoding="utf-8")
    out = tmp_path / "r.html"
    main(["--db", str(path), "export", str(workshop_id), "--format", "html", "-o", str(out),
          "--template", str(template)])
    assert "<script>" not in (out.read_text(encoding="utf-8") if out.exists() else "")


def test_a_report_template_that_is_a_pipe_is_one_line(bare: tuple[Path, int], tmp_path: Path, run_cli) -> None:
    path, workshop_id = bare
    pipe = tmp_path / "pipe.html.j2"
    os.mkfifo(pipe)
    result = run_cli("--db", str(path), "export", str(workshop_id), "--format", "html", "-o",
                     str(tmp_path / "r.html"), "--template", str(pipe), timeout=20)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and str(pipe) in result.stderr
