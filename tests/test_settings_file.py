"""The settings file (csi_tui/settings.py) read as untrusted input: whatever is in it, the app gets
the defaults for what is wrong and keeps what is right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csi_tui.settings import Settings, load_settings, save_settings, settings_path

HOSTILE = {
    "not json": b"{projector: yes",
    "a list": b"[true, 1, 2]",
    "wrong types": json.dumps({"projector": "yes", "timeboxes": {"1": "ten", "9": 5, "2": -3, "3": 10**9,
                                                                 "x": 1, "4": True}, "voice": 7}).encode(),
    "a voice with escapes": json.dumps({"voice": "\x1b]0;owned\x07"}).encode(),
    "binary": bytes(range(256)),
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "huge": b'{"voice": "' + b"a" * 200_000 + b'"}',
    "empty": b"",
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_broken_or_hostile_settings_file_gives_the_defaults(tmp_path: Path, content: bytes) -> None:
    path = settings_path(tmp_path)
    path.write_bytes(content)
    assert load_settings(path) == Settings()


def test_a_settings_folder_where_the_file_should_be_gives_the_defaults(tmp_path: Path) -> None:
    settings_path(tmp_path).mkdir()
    assert load_settings(settings_path(tmp_path)) == Settings()


def test_good_values_survive_beside_bad_ones(tmp_path: Path) -> None:
    path = settings_path(tmp_path)
    path.write_text(json.dumps({"projector": True, "timeboxes": {"2": 45, "3": "x"}, "voice": "-/it"}))
    assert load_settings(path) == Settings(projector=True, timeboxes={2: 45}, voice="-/it")




def test_what_is_saved_is_read_back(tmp_path: Path) -> None:
    settings = Settings(projector=True, timeboxes={1: 7, 4: 45}, voice="3/business")
    save_settings(settings_path(tmp_path / "new"), settings)
    assert load_settings(settings_path(tmp_path / "new")) == settings
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["settings.json"]  # no temporary left
