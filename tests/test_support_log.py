"""The support log: warnings and errors always, debug with --verbose, and never in the way."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from csi_tui.support_log import LOG_NAME, SafeFormatter, log_path
from tests.conftest import RunCli


def test_a_failing_command_leaves_its_error_line_in_the_log(tmp_path: Path, run_cli: RunCli) -> None:
    logs = tmp_path / "logs"
    result = run_cli("list", "--db", str(tmp_path / "missing" / "x.db"), env={"CSI_TUI_LOG_DIR": str(logs)})
    assert result.returncode == 2
    written = (logs / LOG_NAME).read_text(encoding="utf-8")
    assert " ERROR " in written and result.stderr.strip() in written
    assert " DEBUG " not in written


def test_a_refused_flag_is_logged_too(tmp_path: Path, run_cli: RunCli) -> None:
    logs = tmp_path / "logs"
    result = run_cli("new", "--colour", "red", env={"CSI_TUI_LOG_DIR": str(logs)})
    assert result.returncode == 2
    assert "unrecognized arguments: --colour red" in (logs / LOG_NAME).read_text(encoding="utf-8")


def test_a_command_that_logs_nothing_makes_no_file(tmp_path: Path, run_cli: RunCli) -> None:
    logs = tmp_path / "logs"
    assert run_cli("templates", env={"CSI_TUI_LOG_DIR": str(logs)}).returncode == 0
    assert not logs.exists()


def test_verbose_adds_debug_lines_to_the_log_and_stderr(tmp_path: Path, run_cli: RunCli) -> None:
    logs = tmp_path / "logs"
    result = run_cli("--verbose", "list", "--db", str(tmp_path / "x.db"), env={"CSI_TUI_LOG_DIR": str(logs)})
    assert result.returncode == 0, result.stderr
    written = (logs / LOG_NAME).read_text(encoding="utf-8")
    assert " DEBUG " in written and "command list" in written and "exit status 0" in written
    assert "csi-tui: DEBUG: command list" in result.stderr
    assert "No workshops" in result.stdout  # stdout stays the command's own, for scripts


def test_verbose_after_the_command_works_too(tmp_path: Path, run_cli: RunCli) -> None:
    logs = tmp_path / "logs"
    assert run_cli("list", "-v", "--db", str(tmp_path / "x.db"), env={"CSI_TUI_LOG_DIR": str(logs)}).returncode == 0
    assert " DEBUG " in (logs / LOG_NAME).read_text(encoding="utf-8")


def test_an_unusable_log_folder_changes_nothing_for_the_command(tmp_path: Path, run_cli: RunCli) -> None:
    # A file where the folder should be: no folder can be made there, root or not.
    (tmp_path / "blocker").write_text("not a folder")
    unusable = {"CSI_TUI_LOG_DIR": str(tmp_path / "blocker" / "logs")}
    failing = run_cli("list", "--db", str(tmp_path / "missing" / "x.db"), env=unusable)
    assert failing.returncode == 2
    assert failing.stderr == f"csi-tui: {tmp_path / 'missing' / 'x.db'}: the folder {tmp_path / 'missing'} does not exist\n"
    working = run_cli("-v", "list", "--db", str(tmp_path / "x.db"), env=unusable)
    assert working.returncode == 0 and "No workshops" in working.stdout
    assert "Traceback" not in working.stderr and "Logging error" not in working.stderr


def test_a_read_only_log_folder_changes_nothing_for_the_command(tmp_path: Path, run_cli: RunCli) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    logs.chmod(0o500)
    try:
        if (logs / "probe").touch() is None and (logs / "probe").exists():
            pytest.skip("running as root: a read-only folder is still writable")
    except PermissionError:
        pass
    try:
        result = run_cli("list", "--db", str(tmp_path / "missing" / "x.db"), env={"CSI_TUI_LOG_DIR": str(logs)})
        assert result.returncode == 2 and result.stderr.count("\n") == 1
    finally:
        logs.chmod(0o700)


def test_the_default_log_is_in_the_user_state_folder(isolated_user_dirs: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSI_TUI_LOG_DIR", raising=False)
    assert log_path().is_relative_to(isolated_user_dirs)


def test_user_text_reaches_the_log_on_one_line_without_escape_sequences() -> None:
    record = logging.LogRecord("csi_tui", logging.ERROR, __file__, 1, "refused %s",
                               ("title \x1b]52;c;cHdu\x07 with\nforged line",), None)
    shown = SafeFormatter("%(levelname)s %(message)s").format(record)
    assert shown == "ERROR refused title  with forged line"


def test_a_failed_save_is_logged_with_its_traceback(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    import sqlite3

    from csi_tui.session.workshop_session import WorkshopSession
    from csi_tui.store.workshop_store import WorkshopStore, open_store
    from tests.conftest import create_workshop

    with open_store(db_path) as store:
        workshop_id = create_workshop(store)

    def disk_full(self: WorkshopStore, *args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(WorkshopStore, "save_answer", disk_full)
    session = WorkshopSession(db_path)
    try:
        with caplog.at_level(logging.ERROR, logger="csi_tui"):
            saving = session.save_answer(workshop_id, 1, "vision", "Typed")
            assert isinstance(saving.exception(timeout=30), sqlite3.OperationalError)
            session.drain()
    finally:
        session.close()
    (record,) = [r for r in caplog.records if r.name == "csi_tui.session.workshop_session"]
    assert record.levelno == logging.ERROR and "database or disk is full" in record.getMessage()
    assert record.exc_info is not None


def test_a_refused_row_is_logged_once_per_connection(store: object, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="csi_tui"):
        for _ in range(3):  # a screen reads the same bad row on every change
            store._refuse("score", 7, "value 99: above the scale", 1)  # type: ignore[attr-defined]
    assert [r.getMessage() for r in caplog.records] == [
        "left out of a read: workshop 1, score row 7 refused: value 99: above the scale"]
