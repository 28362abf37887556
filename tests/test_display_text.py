"""The one display sanitiser (csi_tui/domain/text.py): escape sequences and control characters
never reach a terminal or a report; everything printable does, unchanged."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from csi_tui.domain.text import drop_controls, for_display

# Below U+0020 but LF, DEL, C1, the Unicode line separators that the rule turns into LF, the
# bidirectional controls and lone surrogates.
FORBIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOSTILE = ["\x1b]52;c;SGVsbG8=\x07", "\x1b]2;pwned\x07", "\x1b[2J", "\x9b31m", "\x00", "\x1bc", "\x1b(B",
           "\x1bP1$r\x1b\\", "\x9d0;x\x9c", "\x1b_apc\x1b\\", "\x1b[?1049h", "\x1b#8", "\x08", "\x7f", "\r"]

# Text built from the pieces that matter: printable words, whitespace, and hostile sequences and
# their fragments, so that sequences run into each other and into the words around them.
pieces = st.one_of(
    st.text(max_size=8),
    st.sampled_from(HOSTILE + ["\x1b", "[", "]", "\x07", "\\", "\n", "\r\n", "\t", "\x85", "\u2028", ";", "2J",
                               *BIDI_CONTROLS, "\ud800", "\udfff"]),
    st.characters(min_codepoint=0, max_codepoint=0x2070).map(str),
)
texts = st.lists(pieces, max_size=12).map("".join)
# Everything a terminal draws as it is: the zero-width joiners and spaces, the marks that give a
# direction to a neutral character (U+200E, U+200F) and the other format characters included.
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=BIDI_CONTROLS))


@given(texts, st.booleans())
@example("\x1b\x1b]0;x\x07", True)
@example("\x1b[\x1b[2J", False)
def test_nothing_it_returns_is_a_control(text: str, keep_newlines: bool) -> None:
    shown = for_display(text, keep_newlines=keep_newlines)
    assert not FORBIDDEN.search(shown)
    assert keep_newlines or "\n" not in shown
    assert "\t" not in shown


@given(texts, st.booleans())
def test_it_is_idempotent(text: str, keep_newlines: bool) -> None:
    once = for_display(text, keep_newlines=keep_newlines)
    assert for_display(once, keep_newlines=keep_newlines) == once
    assert for_display(once) == once or not keep_newlines


@given(printable)
def test_printable_text_is_unchanged(text: str) -> None:
    assert for_display(text) == text
    assert for_display(text, keep_newlines=False) == text
    assert drop_controls(text) == text


@given(st.lists(printable, max_size=5).map("\n".join))
def test_lines_of_printable_text_keep_their_line_breaks(text: str) -> None:
    assert for_display(text) == text
    assert for_display(text, keep_newlines=False) == text.replace("\n", " ")


@given(printable, st.sampled_from(HOSTILE[:-3]), printable)
def test_a_whole_sequence_goes_and_the_text_around_it_stays(before: str, sequence: str, after: str) -> None:
    assert for_display(before + sequence + after) == for_display(before) + for_display(after)


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[31mred\x1b[0m", "red"),
    ("title\x1b]52;c;SGVsbG8=\x07 end", "title end"),
    ("a\x1b]2;pwned\x1b\\b", "ab"),
    ("a\x9b31mb\x9d0;t\x9cc", "abc"),
    ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # a sixel picture (DCS)
    ("a\x1bcb\x1b7c\x1b(Bd", "abcd"),  # reset, save cursor, designate a charset
    ("one\r\ntwo\rthree\x0bfour\u2028five", "one\ntwo\nthree\nfour\nfive"),
    ("a\tb", "a b"),
    ("a\x00b\x07c\x08d\x7fe\x85f", "abcd\x65\nf"),
    ("unterminated \x1b]0;title", "unterminated 0;title"),  # only the introducer (ESC ]) goes
    ("cut \x1b[12", "cut 12"),
    ("8-bit \x9d0;title", "8-bit 0;title"),
    ("Ann \u202eevil\u202c (IT)", "Ann evil (IT)"),  # an override would draw "live"
    ("\u2067isolated\u2069 \u200e\u200dkept", "isolated \u200e\u200dkept"),
    ("half \ud800 a character", "half \ufffd a character"),
])
def test_what_shows(text: str, shown: str) -> None:
    assert for_display(text) == shown


def test_one_line_places_get_spaces_for_line_breaks() -> None:
    assert for_display("a\nb\r\nc", keep_newlines=False) == "a b c"


def test_an_editor_drops_only_the_zero_width_controls() -> None:
    # Every one of them is zero cells wide to Rich, so dropping them moves nothing on the line.
    assert drop_controls("a\x1b[2Jb\x9b31m\x00\t") == "a[2Jb31m"
