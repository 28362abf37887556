"""User text on its way to the terminal: the one place the UI applies the display rule
(csi_tui/domain/text.py), so no escape sequence or control byte a person typed, pasted or
imported reaches the terminal, where it would set the clipboard (OSC 52), retitle the window
(OSC 2) or blank the screen (CSI 2 J).

Two kinds of place show user text, and each gets the rule its own way:

- Where text is only shown (a table cell, a title, a dialog's question, a notification): build the
  Text or Content with `user_text` / `user_content` (`user_cell`: a LineTable's plain-string
  cell). Whole escape sequences go; one-line places get spaces for line breaks. Content and
  Text, not markup strings, as before: "[bold]" shows its brackets.
- Where the person edits the text (an answer's TextArea, a form's Input): the widget holds the
  text exactly as stored or pasted, so showing it rewrites nothing in the file, and only what it
  draws is cleaned (`draw_without_controls`). There only the control characters go, not whole
  sequences: each is zero cells wide, so the line keeps the width the editor measured and the
  cursor stays on the character it edits; "[2J" left behind its ESC is plain text. Saving an edit
  saves the text as the widget holds it, which is what was there plus what the person typed.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.content import Content
from textual.strip import Strip

from csi_tui.domain.text import drop_controls, for_display


def user_text(text: str, style: str = "", *, keep_newlines: bool = False) -> Text:
    """A Rich Text of user text, for a table cell or a drawn line: one line unless asked."""
    return Text(for_display(text, keep_newlines=keep_newlines), style=style)


def user_cell(text: str) -> str:
    """User text for a plain-string cell of a LineTable (a list of thousands, where a Text per
    cell would cost more than the read): the same rule as `user_text`, on one line."""
    return for_display(text, keep_newlines=False)


def user_content(text: str, *, keep_newlines: bool = False) -> Content:
    """Textual Content of user text (or of a line quoting it), shown literally: one line unless
    asked, for a title or a label; keep_newlines for a summary or a message of several lines."""
    return Content(for_display(text, keep_newlines=keep_newlines))


def draw_without_controls(strip: Strip) -> Strip:
    """An editor's drawn line without the control characters of the text in it. Segments that
    are the terminal's own controls (Segment.control) are not text and stay."""
    if not any(segment.text != drop_controls(segment.text) for segment in strip if not segment.control):
        return strip
    return Strip([segment if segment.control else Segment(drop_controls(segment.text), segment.style)
                  for segment in strip], strip.cell_length)
