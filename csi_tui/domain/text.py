"""User text made safe to show: the one rule for every piece of it that reaches a terminal or a
report.

What a person typed, pasted or imported is data. A terminal does not treat it as data: ESC and the
8-bit C1 controls start sequences that set the clipboard (OSC 52), the window title (OSC 2), clear
the screen (CSI 2 J) or reset the terminal (ESC c); a NUL, a backspace or a bare carriage return
moves or corrupts what is drawn. A Markdown or HTML report carrying those bytes passes them on to
whoever prints it with `cat`, and some viewers refuse the file.

`for_display` is the rule, in this order:

1. Whole escape sequences go, introducer, parameters and terminator together, so nothing of them
   is left to show ("\\x1b[31mred\\x1b[0m" shows "red"), in their 7-bit (ESC x) and 8-bit (C1)
   forms alike:
   - CSI (ESC [ or U+009B), parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, a final byte
     0x40-0x7E;
   - the control strings OSC (ESC ] or U+009D), DCS (ESC P, U+0090), SOS (ESC X, U+0098), PM
     (ESC ^, U+009E) and APC (ESC _, U+009F), up to and including their terminator: ST (ESC \\ or
     U+009C), BEL (xterm's OSC terminator) or CAN/SUB (which abort a string in a terminal);
   - every other ESC sequence: ESC, any intermediate bytes 0x20-0x2F, one final byte 0x30-0x7E
     (ESC c, ESC 7, ESC ( B, ESC # 8 ...).
   A sequence with no valid end (an unterminated OSC, a CSI cut short) loses only its introducer
   (ESC ] or U+009D, ESC [ or U+009B): what follows is printable and shows as typed, rather than
   the rest of the text vanishing.
2. Line breaks are deliberate: CR LF, CR, VT, FF, NEL (U+0085) and the Unicode line and paragraph
   separators become LF, the one line break the widgets and reports understand (a bare CR would
   send the terminal's cursor back over the line). With keep_newlines=False every line break
   becomes a space, for one-line places: a table cell, a title, a heading.
3. A tab becomes one space. Its width depends on the column it lands in, which the widgets do not
   know when they measure text (Rich counts a tab as zero cells), so a kept tab would shift the
   rest of the line in the terminal.
4. Every remaining C0 control (U+0000-U+001F but LF), DEL (U+007F) and C1 control (U+0080-U+009F)
   is dropped, leftover ESC bytes included.
5. The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are
   dropped: the widgets count them as zero cells wide where some terminals draw them, which shifts
   the rest of the line and lets text underneath show through, and in a report an override turns
   what follows it backwards ("\u202eevil" reads "live"). A lone surrogate (U+D800-U+DFFF, no
   character at all, which a JSON string can spell) becomes U+FFFD: it cannot be written as UTF-8
   to a terminal or a file.

The result holds no character below U+0020 but LF, none in U+007F-U+009F, no U+2028/U+2029, no
bidirectional control and no surrogate.
Printable text is unchanged; the function is idempotent. What is stored is never changed by it:
it is applied where text is shown or written out, not where it is saved.
"""

from __future__ import annotations

import re

# Step 1. The order of the alternatives matters: the control strings and CSI before the generic
# two-byte form, which would otherwise take "ESC ]" or "ESC [" alone.
_STRING_END = r"(?:\x07|\x1b\\|\x9c|\x18|\x1a)"
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x18\x1a\x1b\x9c]*" + _STRING_END  # OSC DCS SOS PM APC
    + r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"  # CSI
    + r"|\x1b[\x20-\x2f]*[\x30-\x7e]"  # every other ESC sequence
)
# Step 2. What str.splitlines() treats as a line break, less the file, group and record
# separators (U+001C-U+001E), which nobody types to break a line: they are dropped in step 4.
_LINE_BREAK = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Step 4, once tabs and line breaks are settled.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Step 5.
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A quick test: most text has nothing to do.
_NEEDS_WORK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# drop_controls: every C0 and C1 control and DEL, line feed and tab too.
_ALL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def for_display(text: str, *, keep_newlines: bool = True) -> str:
    """`text` without escape sequences or control characters (rules in the module's docstring);
    line breaks kept as LF, or with keep_newlines=False turned into spaces."""
    if not _NEEDS_WORK.search(text):
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _LINE_BREAK.sub("\n", text).replace("\t", " ")
    text = _CONTROL.sub("", text)
    text = _SURROGATE.sub("\ufffd", _BIDI_CONTROL.sub("", text))
    return text if keep_newlines else text.replace("\n", " ")


def drop_controls(text: str) -> str:
    """Only step 4, for text an editor shows while the person edits it: every C0 control (LF
    included), DEL and C1 control dropped, and nothing else. Each of them is zero cells wide to the
    widgets, so the rest of the line stays where the editor measured it and the cursor stays on
    the character it edits; the printable tail of a sequence ("[2J") shows, inert, because its ESC
    is gone."""
    return _ALL_CONTROLS.sub("", text)
