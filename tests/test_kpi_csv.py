"""KPI measurements from the CSV files real spreadsheets save: semicolons and decimal commas,
day-first dates, thousands separators, percent signs; what cannot be read for certain is a bad
row named with its reason, never a guess."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csi_tui.domain.measurement_file import parse_measurements
from csi_tui.domain.models import Kpi
from csi_tui.session.workshop_session import WorkshopSession
from csi_tui.store.workshop_store import WorkshopStore, open_store
from tests.conftest import create_workshop


def read(text: str) -> tuple[list[tuple[date, float, str]], list[tuple[int, str]]]:
    good, bad = parse_measurements(text, kpi_id=1)
    return [(m.measured_at.date(), m.value, m.note) for m in good], [(r.line, r.reason) for r in bad]


def test_a_semicolon_file_with_decimal_commas_and_day_first_dates(store: WorkshopStore) -> None:
    # As a spreadsheet in a German, French or Dutch locale saves "CSV": ';' between fields.
    text = ("Time;Value;Note\r\n"
            "31/01/2026;61,5;January\r\n"
            "28/02/2026;64,25;after the KB; finally\r\n"
            "31/03/2026;1,234;a decimal comma, not a thousand\r\n")
    workshop_id = create_workshop(store)
    kpi = store.add_kpi(workshop_id, Kpi(name="FCR", unit="%"))
    kept, bad = store.import_measurements(workshop_id, kpi.id, text)
    assert (kept, bad) == (3, [])
    assert [(m.measured_at, m.value, m.note) for m in store.measurements(kpi.id)] == [
        (datetime(2026, 1, 31, tzinfo=UTC), 61.5, "January"),
        (datetime(2026, 2, 28, tzinfo=UTC), 64.25, "after the KB; finally"),
        (datetime(2026, 3, 31, tzinfo=UTC), 1.234, "a decimal comma, not a thousand"),
    ]


def test_a_comma_file_with_thousands_separators_and_iso_dates() -> None:
    text = ('time,value,note\n'
            '2026-01-31,"1,234.5",grouped\n'
            '2026-02-03,"12,345,678",millions\n'
            '2026-03-04T09:30,1234.5,\n'
            '2026-04-05,"1.234,5",the other way round\n')
    good, bad = read(text)
    assert bad == []
    # ISO stays year-month-day: 2026-02-03 is the 3rd of February, never the 2nd of March.
    assert good == [(date(2026, 1, 31), 1234.5, "grouped"), (date(2026, 2, 3), 12345678.0, "millions"),
                    (date(2026, 3, 4), 1234.5, ""), (date(2026, 4, 5), 1234.5, "the other way round")]


def test_thousands_grouped_with_spaces_normal_non_breaking_or_narrow() -> None:
    text = "time;value\n01/01/2026;1 234,5\n02/01/2026;1\u00a0234,5\n03/01/2026;1\u202f234\u202f567,25\n"
    good, bad = read(text)
    assert bad == [] and [value for _, value, _ in good] == [1234.5, 1234.5, 1234567.25]


def test_a_percent_sign_is_stripped_and_nothing_else_changes() -> None:
    text = "time;value\n31/01/2026;72,5%\n28/02/2026;73 %\n31/03/2026;0,5%\n"
    good, bad = read(text)
    assert bad == [] and [value for _, value, _ in good] == [72.5, 73.0, 0.5]  # not 0.725: the unit decides nothing
    good, bad = read("time,value\n2026-01-31,72.5%\n")
    assert bad == [] and good[0][1] == 72.5


@pytest.mark.parametrize("written", ["31.03.2026", "31-03-2026", "31/03/2026", "31 Mar 2026"])
def test_a_day_first_date_however_it_is_separated(written: str) -> None:
    good, bad = read(f"time;value\n{written};70\n01.02.2026;71\n")
    assert bad == [] and [day for day, _, _ in good] == [date(2026, 3, 31), date(2026, 2, 1)]


def test_a_day_first_time_is_kept_in_utc_or_at_its_offset() -> None:
    good, _ = parse_measurements("time;value\n31.03.2026 09:30;70\n31.03.2026 09:30 +02:00;71\n", kpi_id=1)
    assert [m.measured_at.isoformat() for m in good] == ["2026-03-31T09:30:00+00:00", "2026-03-31T09:30:00+02:00"]


def test_good_rows_are_imported_and_each_bad_one_is_named_on_the_database(db_path: Path, tmp_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        kpi = store.add_kpi(workshop_id, Kpi(name="Mean time to restore", unit="h"))
    source = tmp_path / "mttr.csv"
    rows = ["time;value;note",
            "31/01/2026;4,5;good",
            "03/31/2026;5;month first",
            "28/02/26;5;two-digit year",
            "March 2026;5;no day",
            "28.02.2026 09:00 CET;5;a zone by name",
            "28.02.2026;1.234;a thousand, or one and a bit?",
            "28.02.2026;1e999;infinite",
            "28.02.2026;five;words",
            "31.03.2026;3,75;good too"]
    source.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))  # as Excel saves "CSV UTF-8"
    before = source.read_bytes()
    session = WorkshopSession(db_path)
    try:
        kept, bad = session.import_measurements(workshop_id, kpi.id, source).result(timeout=30)
    finally:
        session.close()
    assert kept == 2
    reasons = dict((row.line, row.reason) for row in bad)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "read day first" in reasons[3]
    assert "four digits" in reasons[4]
    assert "not a whole date" in reasons[5]
    assert "time zone (CET)" in reasons[6]
    assert reasons[7] == "'1.234' could be 1234 or 1.234: write the one it is"
    assert "not a finite number" in reasons[8]
    assert reasons[9] == "'five' is not a number"
    with open_store(db_path) as store:
        assert [(m.measured_at.date(), m.value, m.note) for m in store.measurements(kpi.id)] == [
            (date(2026, 1, 31), 4.5, "good"), (date(2026, 3, 31), 3.75, "good too")]
    assert source.read_bytes() == before  # the source is only read


def test_a_comma_inside_a_quoted_value_of_a_comma_file_is_decimal_unless_it_could_be_a_thousand() -> None:
    good, bad = read('time,value\n2026-01-31,"67,5"\n2026-02-28,"1,234"\n')
    assert good == [(date(2026, 1, 31), 67.5, "")]
    assert bad == [(3, "'1,234' could be 1234 or 1.234: write the one it is")]


def test_when_the_sniffer_cannot_tell_the_header_names_the_separator() -> None:
    # Rows of unlike lengths (a note on some rows only): no separator splits every line alike, so
    # the sniffer gives up; read as commas, every line would be one column. The header has ';'.
    good, bad = read("time;value;note\n31/01/2026;70\n28/02/2026;71;after the KB\n31/03/2026;72\n")
    assert bad == [] and good == [(date(2026, 1, 31), 70.0, ""), (date(2026, 2, 28), 71.0, "after the KB"),
                                  (date(2026, 3, 31), 72.0, "")]
    # One column indeed: each row is named, nothing is guessed.
    good, bad = read("time\n31/01/2026\n28/02/2026\n")
    assert good == [] and bad == [(2, "needs at least a time and a value"), (3, "needs at least a time and a value")]


def test_a_semicolon_file_without_a_header_whose_every_value_has_a_decimal_comma() -> None:
    # ';' and ',' split every line alike: the semicolon is the separator, the comma the decimal.
    good, bad = read("".join(f"{day:02}/01/2026;7{day % 10},5\n" for day in range(1, 13)))
    assert bad == [] and [value for _, value, _ in good][:3] == [71.5, 72.5, 73.5]


def test_a_tab_file_reads_either_decimal_separator_but_refuses_the_ambiguous_thousand() -> None:
    good, bad = read("time\tvalue\n31.01.2026\t72,5\n28.02.2026\t72.5\n31.03.2026\t1,234\n")
    assert [value for _, value, _ in good] == [72.5, 72.5]
    assert [line for line, _ in bad] == [4]


# Each locale's way of writing the same number: (field separator, thousands, decimal).
LOCALE_STYLES = [(",", ",", "."), (";", ".", ","), (";", "\u202f", ","), (";", "\u00a0", ","), (";", " ", ","),
                 ("\t", ",", "."), ("\t", ".", ","), (";", "", ",")]


def written(number: float, places: int, thousands: str, decimal: str) -> str:
    english = f"{number:,.{places}f}"  # 1,234,567.89
    return english.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


@given(number=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
       places=st.integers(min_value=1, max_value=4), style=st.sampled_from(LOCALE_STYLES),
       percent=st.booleans())
def test_any_finite_number_written_in_any_locale_style_reads_back(
        number: float, places: int, style: tuple[str, str, str], percent: bool) -> None:
    separator, thousands, decimal = style
    text = written(number, places, thousands, decimal) + ("%" if percent else "")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)  # quotes a value holding the separator, as spreadsheets do
    writer.writerows([["time", "value"], ["31/03/2026" if separator != "," else "2026-03-31", text]])
    good, bad = parse_measurements(buffer.getvalue(), kpi_id=1)
    expected = float(f"{number:.{places}f}")
    if separator == "\t" and places == 3 and 1 <= abs(expected) < 1000:
        # 123.456 or 123,456: both kinds of locale save tab files, so either could be a thousand.
        assert good == [] and "could be" in bad[0].reason
    else:
        assert bad == [] and [m.value for m in good] == [expected]


def test_iso_dates_do_not_load_the_date_parser() -> None:
    # Start-up is measured, and a file of ISO dates has no need of it: it loads on the first
    # date written another way.
    code = ("import sys\n"
            "from csi_tui.domain.measurement_file import parse_measurements\n"
            "parse_measurements('time,value\\n2026-03-31,70\\n', 1)\n"
            "assert 'dateutil' not in sys.modules, 'loaded for ISO dates'\n"
            "parse_measurements('time;value\\n31/03/2026;70\\n', 1)\n"
            "assert 'dateutil' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
