"""A bug inside the running app leaves its traceback in the support log, as well as on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from csi_tui.support_log import LOG_NAME, start_logging, stop_logging
from tests.helpers.ui import settle, test_app


class Boom(RuntimeError):
    pass


def explode() -> None:
    raise Boom("the bug a person reports")


async def test_an_exception_in_the_app_is_written_to_the_support_log(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "logs"
    monkeypatch.setenv("CSI_TUI_LOG_DIR", str(logs))
    start_logging()
    try:
        app = test_app(db_path)
        with pytest.raises(Boom):  # Textual still ends the app and shows the error as it does
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                app.call_later(explode)
                await pilot.pause()
        assert app.return_code == 1
    finally:
        stop_logging()
    written = (logs / LOG_NAME).read_text(encoding="utf-8")
    assert " CRITICAL " in written
    assert "Traceback (most recent call last)" in written
    assert "in explode" in written and "Boom: the bug a person reports" in written
