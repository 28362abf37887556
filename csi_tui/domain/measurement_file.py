"""A file of KPI measurements as a spreadsheet saves it: pure rules, no storage, no UI.

Rows of time, value, note (a header row is usual; without one the first row is data). A
spreadsheet saves the "CSV" its locale knows: comma-separated with a decimal point in English,
semicolon-separated with a decimal comma in much of Europe, dates day first, thousands
separators and percent signs as the cells show them. All of that is read here; what cannot be
read with certainty is refused, row by row, with the reason, never guessed.

Numbers. A percent sign is stripped and nothing else (72.5% is 72.5, whatever the KPI's unit).
When a value has both a point and a comma, the last one is the decimal separator and the other
groups thousands (1,234.5 and 1.234,5); spaces, non-breaking and narrow spaces group thousands
too (1 234,5). A single point or comma followed by exactly three digits (1,234) could be either,
so it is read as the file's decimal separator: the comma in a ';' file (1,234 is 1.234), the
point in a ',' file. Anything else is ambiguous and refused: 1,234 in a ',' file (only possible
quoted: an unquoted comma ends the field there) and either form in a tab-separated file, which
both kinds of locale save. Every value then meets the model's own rules, as a typed one does.

Dates. ISO 8601 (2026-03-31, 2026-03-31T09:00, with an offset if any) is read year, month, day,
as always. Any other form is read day first, as the locales that write it mean: 31/03/2026,
31.03.2026, 31-03-2026, 31 Mar 2026, with a time if one is written. Refused: a date that is not
whole (March 2026), a two-digit year (31/03/26 could be 1926 or 2026), month-first text
(03/31/2026: read day first it has no month 31), and a time zone by name (CET, EST: a name is
not an offset; write +01:00) or as UTC+1 (which is read the POSIX way round, as 1 hour behind).
A time without an offset is in UTC, as everywhere in a workshop.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from pydantic import ValidationError

from csi_tui.domain.errors import explain
from csi_tui.domain.models import Measurement

HEADER_FIRST_CELLS = ("time", "date", "measured_at")
# Tab and semicolon before comma: when two of them split every line alike, it is a semicolon file
# whose values have decimal commas (72,5), never a comma file whose every line holds a ';'.
SEPARATORS = ";\t,"
# The decimal separator each kind of file is saved with; a tab file is saved by both kinds of
# locale, so neither is assumed there.
DECIMAL_SEPARATOR = {";": ",", ",": ".", "\t": None}
SNIFFED_LINES = 50  # enough to see the pattern; the sniffer's work grows with the sample
GROUPING_SPACES = " \u00a0\u202f\u2009"  # space, non-breaking, narrow non-breaking, thin
# A number with thousands grouped: a first group of one to three digits (not a leading zero:
# 0.125 is a fraction), then groups of three, then perhaps a decimal part.
GROUPED = re.compile(rf"(?P<lead>[+-]?[1-9]\d{{0,2}})(?P<groups>(?P<sep>[,.{GROUPING_SPACES}])\d{{3}}(?:(?P=sep)\d{{3}})*)"
                     r"(?:(?P<dec>[.,])(?P<fraction>\d+))?")
MOMENT_HINT = "use 2026-03-31, 31/03/2026 or 2026-03-31T09:00"


@dataclass(frozen=True)
class RejectedRow:
    line: int  # as a spreadsheet numbers it: the header is line 1
    reason: str


def field_separator(text: str) -> str:
    """The file's field separator: ';', tab or ',', found by the standard library's sniffer over
    the first lines. The header names the columns with the separator alone, so when the sniffer
    picks a character the first line does not hold, or cannot tell (rows of unlike lengths), the
    first line's separator is taken; with none there, a comma (a one-column file: its rows are
    then named as lacking a value)."""
    sample = "".join(text.splitlines(keepends=True)[:SNIFFED_LINES])
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    in_first_line = [separator for separator in SEPARATORS if separator in first_line]
    sniffer = csv.Sniffer()
    sniffer.preferred = list(SEPARATORS)  # its tie-break, comma first by default (see SEPARATORS)
    try:
        sniffed = sniffer.sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:  # "Could not determine delimiter"
        sniffed = ""
    if sniffed and sniffed in SEPARATORS and (sniffed in first_line or not in_first_line):
        return sniffed
    return in_first_line[0] if in_first_line else ","


def spreadsheet_number(text: str, separator: str) -> float:
    """A value as a spreadsheet writes it in a file with this field separator (module docstring:
    percent, decimal comma, thousands). ValueError with the reason a facilitator can act on."""
    value = text.strip()
    if value.endswith("%"):
        value = value[:-1].rstrip()
    value = value.replace("\u2212", "-")  # the minus sign some locales write
    grouped = GROUPED.fullmatch(value)
    if grouped and grouped["sep"] != grouped["dec"]:
        sep, groups = grouped["sep"], grouped["groups"]
        if grouped["dec"] is None and sep in ".," and groups.count(sep) == 1:
            if DECIMAL_SEPARATOR[separator] != sep:
                lead, rest = grouped["lead"], groups[1:]
                raise ValueError(f"{text.strip()!r} could be {lead}{rest} or {lead}.{rest}: write the one it is")
            return _finite(float(value.replace(",", ".")), text)
        whole = grouped["lead"] + groups.replace(sep, "")
        return _finite(float(f"{whole}.{grouped['fraction']}" if grouped["dec"] else whole), text)
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")  # a decimal comma: 72,5 (in a ',' file only quoted)
    try:
        if "_" in value:  # float() reads 1_000 as Python source would; no spreadsheet writes it
            raise ValueError
        number = float(value)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    return _finite(number, text)


def _finite(number: float, text: str) -> float:
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{text.strip()!r} is not a finite number")
    return number


class _ZoneByName(Exception):
    """A time zone written as a name: a name is not an offset (CET or CEST?), so it is refused."""


def _offset_only(name: str | None, offset: int | None) -> tzinfo | None:
    if offset is not None:  # +01:00, or UTC / Z (offset 0)
        return timezone(timedelta(seconds=offset))
    if name:
        raise _ZoneByName(name)
    return None


def spreadsheet_moment(text: str) -> datetime:
    """A date (and time) as a spreadsheet writes it (module docstring: ISO as ISO, everything else
    day first). ValueError with the reason a facilitator can act on."""
    when = text.strip()
    try:
        moment = datetime.fromisoformat(when)  # ISO 8601: year first, always
    except ValueError:
        moment = _day_first(when)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _day_first(when: str) -> datetime:
    from dateutil import parser  # only a file with a non-ISO date pays for loading it

    if re.search(r"(?i)(utc|gmt)\s*[+-]", when):
        raise ValueError(f"{when!r}: UTC+1 is read the POSIX way round (an hour behind UTC); "
                         f"write the offset alone (31/03/2026 09:00 +01:00)")
    try:
        # Parsed against two unlike defaults: a part the text leaves out comes from the default,
        # so the two differ exactly when the date is not whole.
        first, second = (parser.parse(when, dayfirst=True, tzinfos=_offset_only, default=default)
                         for default in (datetime(1901, 1, 1), datetime(1902, 2, 2)))
    except _ZoneByName as zone:
        raise ValueError(f"{when!r} names a time zone ({zone}), which cannot be placed for certain: "
                         f"write its offset (+01:00), or none for UTC") from None
    except (ValueError, OverflowError):  # dateutil's ParserError is a ValueError
        raise ValueError(f"{when!r} is not a date or time ({MOMENT_HINT})") from None
    if first != second:
        raise ValueError(f"{when!r} is not a whole date: it needs a day, a month and a year")
    numbers = re.findall(r"\d+", when)
    if not any(len(number) == 4 and int(number) == first.year for number in numbers):
        raise ValueError(f"{when!r}: write the year with four digits (31/03/2026)")
    # dateutil swaps day and month when the first cannot be a month (03/31/2026): in a file read
    # day first, such a row is a month-first date, and its neighbours with a day up to 12 would
    # be misread silently; so it is refused. Year first (2026/03/31) stays year, month, day.
    written = [int(number) for number in numbers[:3]]
    month_in_letters = re.search(r"[^\W\d_]{3}", when) is not None  # 31 Mar 2026, March 31, 2026
    year_first = len(numbers[0]) == 4
    expected = [first.year] if year_first else []
    if month_in_letters:
        expected += [first.day]
    else:
        expected += [first.month, first.day] if year_first else [first.day, first.month]
    if written[:len(expected)] != expected:
        raise ValueError(f"{when!r} is not day, month, year: dates that are not ISO (2026-03-31) "
                         f"are read day first (31/03/2026)")
    return first


def parse_measurements(text: str, kpi_id: int) -> tuple[list[Measurement], list[RejectedRow]]:
    """Rows of `time,value,note` (header optional; separator, numbers and dates as the module
    docstring says). Good rows are kept; each bad row is named by its line number and why, so a
    facilitator can fix the file and import again."""
    text = text.removeprefix("\ufeff")  # the byte-order mark spreadsheets write, when not read away
    separator = field_separator(text)
    good: list[Measurement] = []
    bad: list[RejectedRow] = []
    # newline="": csv handles \r\n, \r and quoted breaks
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # e.g. a NUL byte: this row is bad, the rest may still be good
            bad.append(RejectedRow(reader.line_num, f"not readable as CSV ({error})"))
            continue
        line = reader.line_num  # the physical line the row ends on, as an editor shows it
        if not row or all(not cell.strip() for cell in row):
            continue
        if line == 1 and row[0].strip().lower() in HEADER_FIRST_CELLS:
            continue
        if len(row) < 2:
            bad.append(RejectedRow(line, "needs at least a time and a value"))
            continue
        try:
            measured_at = spreadsheet_moment(row[0])
            number = spreadsheet_number(row[1], separator)
        except ValueError as error:
            bad.append(RejectedRow(line, str(error)))
            continue
        note = separator.join(row[2:]).strip() if len(row) > 2 else ""
        try:
            good.append(Measurement(kpi_id=kpi_id, measured_at=measured_at, value=number, note=note))
        except ValidationError as error:  # the model's own rules (a time in year 1): a bad row too
            bad.append(RejectedRow(line, explain(error)))
    return good, bad
