"""`--help` describes every option of every command with an example, and `completion` writes a
shell script from the same parser."""

from __future__ import annotations

import argparse
import subprocess

import pytest

from csi_tui.cli import SHELLS, build_parser
from tests.conftest import RunCli


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_and_argument_of_every_command_says_what_it_is() -> None:
    parsers = {"csi-tui": build_parser(), **{f"csi-tui {name}": p for name, p in subcommands().items()}}
    undescribed = [
        f"{prog} {action.option_strings or action.dest}"
        for prog, parser in parsers.items()
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not (action.help or "").strip()
    ]
    assert undescribed == []
    assert len(parsers) >= 10  # the main parser and each command: none was missed by the walk


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_each_commands_help_shows_an_example_of_it(name: str) -> None:
    parser = subcommands()[name]
    assert parser.description, name
    shown = parser.format_help()
    assert "examples:" in shown
    assert f"\n  csi-tui {name}" in shown.split("examples:", 1)[1]


def test_every_command_is_listed_with_a_line_of_help() -> None:
    (action,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(choice.dest for choice in action._choices_actions) == sorted(subcommands())
    assert all(choice.help for choice in action._choices_actions)


def test_the_main_help_names_the_support_log(run_cli: RunCli, tmp_path: object) -> None:
    shown = run_cli("--help", env={"CSI_TUI_LOG_DIR": "/somewhere/logs"})
    assert shown.returncode == 0
    assert "/somewhere/logs/csi-tui.log" in shown.stdout and "examples:" in shown.stdout


def test_bash_completion_is_printed_and_knows_the_commands_and_options(run_cli: RunCli) -> None:
    result = run_cli("completion", "bash")
    assert result.returncode == 0, result.stderr
    script = result.stdout
    assert "complete " in script and "_shtab_csi_tui" in script
    for name in subcommands():
        assert name in script
    assert "--format" in script and "--with-history" in script
    # A syntax check by bash itself, where there is one.
    checked = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("shell", [s for s in SHELLS if s != "bash"])
def test_other_shells_get_their_script(run_cli: RunCli, shell: str) -> None:
    result = run_cli("completion", shell)
    assert result.returncode == 0, result.stderr
    assert "export" in result.stdout and "merge" in result.stdout


def test_an_unknown_shell_is_one_line_and_exit_2(run_cli: RunCli) -> None:
    result = run_cli("completion", "fish")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "invalid choice: 'fish'" in result.stderr


def test_only_the_completion_command_loads_shtab() -> None:
    import sys

    probe = ("import sys\nfrom csi_tui import cli\ncli.build_parser().format_help()\n"
             "print('shtab' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"
