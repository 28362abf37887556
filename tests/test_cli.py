"""The command line as a facilitator and a script use it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from csi_tui import __version__, cli
from csi_tui.store.workshop_store import open_store
from tests.conftest import RunCli, create_workshop

FLAGS = ["--title", "Service desk CSI", "--org", "Acme", "--scope", "First line", "--facilitator", "Ann",
         "--template", "itil4-dimensions", "--scale", "cmmi"]


def test_new_then_list_shows_the_workshop_with_its_four_dimensions(tmp_path: Path, run_cli: RunCli) -> None:
    db = str(tmp_path / "X.db")
    created = run_cli("new", *FLAGS, "--db", db)
    assert created.returncode == 0, created.stderr
    workshop_id = int(created.stdout.strip())

    listed = run_cli("list", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    (workshop,) = json.loads(listed.stdout)
    assert workshop["id"] == workshop_id
    assert (workshop["title"], workshop["organisation"], workshop["scope"], workshop["facilitator"]) == (
        "Service desk CSI", "Acme", "First line", "Ann")
    assert (workshop["template_id"], workshop["scale_id"], workshop["cycle"]) == ("itil4-dimensions", "cmmi", 1)
    assert [d["name"] for d in workshop["dimensions"]] == [
        "Organizations and people", "Information and technology", "Partners and suppliers",
        "Value streams and processes"]


def test_db_may_come_before_or_after_the_command(tmp_path: Path, run_cli: RunCli) -> None:
    db = str(tmp_path / "X.db")
    assert run_cli("--db", db, "new", *FLAGS).returncode == 0
    assert len(json.loads(run_cli("--db", db, "list", "--json").stdout)) == 1


def test_without_db_the_default_file_in_the_user_data_dir_is_used(
    run_cli: RunCli, isolated_user_dirs: Path
) -> None:
    assert run_cli("new", *FLAGS).returncode == 0
    assert (isolated_user_dirs / "xdg_data_home" / "csi-tui" / "workshops.db").is_file()


def test_missing_flags_without_a_terminal_exit_2_naming_them_and_never_wait(
    tmp_path: Path, run_cli: RunCli
) -> None:
    # stdin is a pipe that stays open: a prompt would hang until the timeout.
    result = run_cli("new", "--title", "T", "--template", "itil4-dimensions", "--db", str(tmp_path / "x.db"),
                     stdin=subprocess.PIPE, timeout=30)
    assert result.returncode == 2
    assert result.stderr == "csi-tui: missing --org, --scope, --facilitator, --scale (no terminal to ask on)\n"
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (["--title", "  "], "csi-tui: title: must not be blank\n"),
        (["--template", "itil5"], "csi-tui: unknown template 'itil5' (known: itil4-dimensions, itil4-practices, itil4-svs)\n"),
        (["--scale", "six-sigma"], "csi-tui: unknown scale 'six-sigma' (known: cmmi, itil-v3, itil4-capability)\n"),
    ],
)
def test_bad_values_exit_2_with_one_line(tmp_path: Path, run_cli: RunCli, change: list[str], expected: str) -> None:
    flags = FLAGS[:]
    flags[flags.index(change[0]) + 1] = change[1]
    result = run_cli("new", *flags, "--db", str(tmp_path / "x.db"))
    assert (result.returncode, result.stderr, result.stdout) == (2, expected, "")


def test_an_unknown_command_exits_2_in_one_line(run_cli: RunCli) -> None:
    result = run_cli("exprot")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "invalid choice: 'exprot'" in result.stderr


def test_a_users_template_file_can_be_used_and_a_bad_one_is_named(tmp_path: Path, run_cli: RunCli) -> None:
    mine = tmp_path / "desk.toml"
    mine.write_text('id = "desk"\nname = "Desk"\ndefault_scale = "cmmi"\n'
                    '[[dimensions]]\nkey = "triage"\nname = "Triage"\nweight = 5\n')
    flags = FLAGS[:]
    flags[flags.index("--template") + 1] = str(mine)
    db = str(tmp_path / "x.db")
    assert run_cli("new", *flags, "--db", db).returncode == 0
    (workshop,) = json.loads(run_cli("list", "--db", db, "--json").stdout)
    assert workshop["dimensions"] == [{"key": "triage", "name": "Triage", "group": "", "weight": 5}]

    mine.write_text(mine.read_text().replace("weight = 5", "weight = 0"))
    result = run_cli("new", *flags, "--db", db)
    assert result.returncode == 2
    assert result.stderr == f"csi-tui: {mine}: dimensions.0.weight: must be at least 1\n"


def test_templates_lists_every_template_and_scale(run_cli: RunCli) -> None:
    result = run_cli("templates", "--json")
    document = json.loads(result.stdout)
    assert [t["id"] for t in document["templates"]] == ["itil4-dimensions", "itil4-practices", "itil4-svs"]
    assert [s["id"] for s in document["scales"]] == ["cmmi", "itil-v3", "itil4-capability"]
    text = run_cli("templates").stdout
    assert all(name in text for name in ("itil4-practices", "34 dimensions", "itil-v3", "(0-5)"))


def test_version(run_cli: RunCli) -> None:
    assert run_cli("--version").stdout == f"csi-tui {__version__}\n"


def test_list_on_an_empty_file_says_how_to_begin(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("list", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 0 and "csi-tui new" in result.stdout


# --- the wizard, through prompt_toolkit's pipe input ------------------------------------------

DOWN, ENTER = "\x1b[B", "\r"


def run_wizard(keys: list[str], argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(cli, "is_terminal", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        for key in keys:
            pipe.send_text(key)
        return cli.main(argv)


def test_the_wizard_asks_for_every_missing_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.db"
    keys = ["Desk [b]CSI[/b]" + ENTER, "Acme" + ENTER, "Service desk" + ENTER, "Ann" + ENTER,
            DOWN + ENTER,  # second template: itil4-practices
            ENTER]  # the scale's default: the template's own (itil4-capability)
    assert run_wizard(keys, ["new", "--db", str(db)], monkeypatch) == 0
    workshop_id = int(capsys.readouterr().out.strip().splitlines()[-1])
    with open_store(db) as store:
        workshop = store.workshop(workshop_id)
        assert (workshop.title, workshop.organisation, workshop.scope, workshop.facilitator) == (
            "Desk [b]CSI[/b]", "Acme", "Service desk", "Ann")
        assert (workshop.template_id, workshop.scale_id) == ("itil4-practices", "itil4-capability")
        assert len(store.dimensions(workshop_id)) == 34


def test_the_wizard_asks_only_what_the_flags_left_out_and_refuses_a_blank_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.db"
    keys = ["   " + ENTER,  # refused by the prompt's validation, asked again
            "\x7f" * 3 + "Real title" + ENTER,
            DOWN + DOWN + ENTER]  # scale: from the default (itil4-capability, last) down wraps to cmmi, then itil-v3
    argv = ["new", "--org", "Acme", "--scope", "Desk", "--facilitator", "Ann", "--template", "itil4-svs", "--db", str(db)]
    assert run_wizard(keys, argv, monkeypatch) == 0
    workshop_id = int(capsys.readouterr().out.strip().splitlines()[-1])
    with open_store(db) as store:
        workshop = store.workshop(workshop_id)
    assert (workshop.title, workshop.template_id, workshop.scale_id) == ("Real title", "itil4-svs", "itil-v3")


def test_cancelling_the_wizard_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.db"
    assert run_wizard(["\x03"], ["new", "--db", str(db)], monkeypatch) == 130
    assert "cancelled" in capsys.readouterr().err
    assert not db.exists()


def test_an_error_longer_than_80_columns_stays_on_one_line_when_piped(tmp_path: Path, run_cli: RunCli) -> None:
    folder = tmp_path / ("a-folder-with-a-long-name-as-shared-drives-have-" * 2)
    folder.mkdir()
    bad = folder / "notes-from-the-workshop-that-are-not-a-database.db"
    bad.write_text("not a database at all")
    good = tmp_path / "good.db"
    with open_store(good) as store:
        create_workshop(store)
    result = run_cli("merge", str(good), str(bad), "-o", str(tmp_path / "p.db"))
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line == f"csi-tui: skipped {bad}: not a SQLite database, so not a csi-tui workshop file"
    assert len(line) > 160


@pytest.mark.parametrize("command", ["new", "merge"])
def test_a_full_disk_while_writing_the_database_is_one_line(tmp_path: Path, command: str) -> None:
    from tests.test_export_import import run_limited

    source = tmp_path / "session.db"
    with open_store(source) as store:
        create_workshop(store, template="itil4-practices")
    args = ([*FLAGS, "--db", str(tmp_path / "new.db")] if command == "new"
            else [str(source), "-o", str(tmp_path / "portfolio.db")])
    result = run_limited([command, *args], limit=20_000, killed=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("csi-tui: "), result.stderr


@pytest.mark.parametrize("given", ["99999999999999999999", "\u0967", "-1", "0x1"])
def test_a_workshop_id_that_is_no_id_is_one_line(tmp_path: Path, run_cli: RunCli, given: str) -> None:
    """A number SQLite cannot hold was an OverflowError traceback; digits of another script
    ("१", Devanagari one) were taken as 1 and opened a workshop nobody named."""
    db = tmp_path / "w.db"
    from csi_tui.store.workshop_store import open_store
    from tests.conftest import create_workshop

    with open_store(db) as store:
        create_workshop(store)
    # "--" before the id, so that "-1" is one too rather than a flag.
    for command in (["export", "--format", "json", "-o", str(tmp_path / "x.json")], ["open"]):
        result = run_cli("--db", str(db), *command, "--", given, timeout=30)
        assert result.returncode == 2, (command, result.stderr[-300:])
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "workshop" in result.stderr and "id" in result.stderr
    assert not (tmp_path / "x.json").exists()
