"""Domain and storage import no Textual: the UI can change without touching the data layers,
and the command line's list/new stay fast."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import csi_tui

PACKAGE = Path(csi_tui.__file__).parent
UI = {"app.py", "screens", "widgets", "cli.py", "wizard.py", "__main__.py"}


def non_ui_modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in UI
    )


def test_there_are_data_layer_modules_to_check() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in non_ui_modules()}
    assert {"domain/models.py", "domain/gap.py", "templates.py", "store/workshop_store.py", "store/guard.py",
            "transfer/document.py", "transfer/files.py", "room/server.py"} <= names


def test_no_data_layer_file_mentions_textual_in_an_import() -> None:
    offenders = []
    for path in non_ui_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name == "textual" or name.startswith("textual.") for name in names):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_importing_every_data_layer_module_loads_no_textual() -> None:
    modules = [
        "csi_tui." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        for path in non_ui_modules()
    ]
    modules = [name.removesuffix(".__init__") for name in modules]
    probe = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    probe += "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_command_line_lists_without_loading_textual(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom csi_tui.cli import main\n"
        f"main(['list', '--db', {str(tmp_path / 'x.db')!r}])\n"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_import_contracts_hold() -> None:
    """lint-imports checks the [tool.importlinter] contracts in pyproject.toml: the layers, screens
    and widgets reaching the data only through the session, Textual only in the UI, a pure domain."""
    lint_imports = Path(sys.executable).with_name("lint-imports")  # import-linter's console script
    assert lint_imports.exists(), "install the test extras: pip install -e '.[test]'"
    # --no-cache: no .import_linter_cache folder left in the checkout.
    result = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], cwd=PACKAGE.parent,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_ui_reaches_the_store_only_through_the_session_intents() -> None:
    """No screen, widget or the app hands a closure to the store, names its connection or opens a
    transaction: they call the session's named intents (docs/architecture.md)."""
    ui_files = [PACKAGE / "app.py", *(PACKAGE / "screens").rglob("*.py"), *(PACKAGE / "widgets").rglob("*.py")]
    offenders = [f"{path.relative_to(PACKAGE)}: {needle}" for path in ui_files
                 for needle in ("lambda store", "store.db", ".atomic()") if needle in path.read_text()]
    assert offenders == []


def test_no_store_module_is_over_350_lines() -> None:
    lengths = {path.name: len(path.read_text().splitlines()) for path in (PACKAGE / "store").glob("*.py")}
    assert {name: n for name, n in lengths.items() if n > 350} == {}
