"""KPIs in use: defined in step 3, measured by hand or imported from a CSV in step 5 (bad rows
named by line, good rows kept), shown against their targets with a trend chart, and a missed
target turned into a corrective register item with one key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from textual.widgets import Input, Static
from textual_plotext import PlotextPlot

from csi_tui.domain.models import Direction, Kpi, Measurement, Score, ScoreKind
from csi_tui.screens.kpi_dialog import KpiDialog
from csi_tui.screens.kpis import KpiScreen
from csi_tui.store.workshop_store import open_store
from csi_tui.widgets.line_table import LineTable
from tests.conftest import create_workshop
from tests.helpers.ui import open_selected_workshop, settle, test_app, type_keys, type_text

BRAILLE = range(0x2800, 0x2900)  # the chart's line is drawn in braille dots

CSV = (
    "time,value,note\n"
    "2026-01-31,70,January\n"
    "2026-02-28,seventy,typed in words\n"
    "2026-03-31,72.5,\n"
    "31/04/2026,74\n"
    "2026-04-30,75,after the KB went live\n"
)


def kpi_rows(screen: KpiScreen) -> list[list[str]]:
    table = screen.query_one("#kpis", LineTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def plotted(screen: KpiScreen) -> str:
    return screen.query_one(PlotextPlot).render().plain


async def test_a_kpi_is_defined_in_step_three(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.set_current_step(workshop_id, 3)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5", "n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, KpiDialog)
        for field, text in (("name", "First-contact resolution"), ("unit", "%"), ("baseline", "60"),
                            ("short_target", "75"), ("short_target_on", "2026-09-30"), ("long_target", "85"),
                            ("source", "ITSM report")):
            dialog.query_one(f"#{field}", Input).focus()
            await type_text(pilot, text)
        dialog.query_one("#long_target_on", Input).focus()
        await type_text(pilot, "next spring")
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert "Long-term target date" in str(dialog.query_one("#error", Static).render())  # refused, named as labelled
        dialog.query_one("#long_target_on", Input).value = "2027-03-31"
        await pilot.press("ctrl+w")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, KpiScreen)
        assert kpi_rows(screen) == [["First-contact resolution", "%", "higher", "60", "–", "75", "2026-09-30", "85",
                                     "no figure yet", "ITSM report"]]
    with open_store(db_path) as store:
        (kpi,) = store.kpis(workshop_id)
    assert kpi.model_dump(exclude={"id"}) == Kpi(
        name="First-contact resolution", unit="%", direction=Direction.HIGHER, baseline=60, short_target=75,
        short_target_on=date(2026, 9, 30), long_target=85, long_target_on=date(2027, 3, 31), source="ITSM report",
    ).model_dump(exclude={"id"})


async def test_a_csv_with_three_good_and_two_bad_rows_is_imported_in_step_five(db_path: Path, tmp_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        kpi = store.add_kpi(workshop_id, Kpi(name="First-contact resolution", unit="%", baseline=60, short_target=75))
        store.set_current_step(workshop_id, 5)
    csv_file = tmp_path / "fcr.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, KpiScreen)
        assert not any(ord(c) in BRAILLE for c in plotted(screen))  # nothing to draw yet
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(csv_file))
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        report = str(screen.query_one("#import-report", Static).render())
        assert report.startswith("Imported 3 measurements; skipped 2 bad rows")
        assert "line 3: 'seventy' is not a number" in report
        assert "line 5: '31/04/2026' is not a date" in report
        assert kpi_rows(screen)[0][4] == "75" and kpi_rows(screen)[0][8] == "achieved"  # latest, status
        chart_title = str(screen.query_one("#chart-title", Static).render())
        assert chart_title == "Trend of First-contact resolution (%): 3 measurements"
        assert any(ord(c) in BRAILLE for c in plotted(screen))  # the line is drawn
    with open_store(db_path) as store:
        assert [(m.measured_at.date(), m.value, m.note) for m in store.measurements(kpi.id)] == [
            (date(2026, 1, 31), 70, "January"), (date(2026, 3, 31), 72.5, ""),
            (date(2026, 4, 30), 75, "after the KB went live")]


async def test_a_missing_csv_file_is_named_and_nothing_changes(db_path: Path, tmp_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        kpi = store.add_kpi(workshop_id, Kpi(name="FCR"))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5", "i")
        await settle(pilot)
        await type_text(pilot, str(tmp_path / "nope.csv"))
        await pilot.press("enter")
        await settle(pilot)
        assert "nope.csv: no such file" in str(pilot.app.screen.query_one("#error", Static).render())
    with open_store(db_path) as store:
        assert store.measurements(kpi.id) == []


async def test_a_measurement_is_entered_by_hand_and_a_missed_target_raises_a_corrective_item(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        kpi = store.add_kpi(workshop_id, Kpi(name="Mean time to restore", unit="h", direction=Direction.LOWER,
                                             baseline=8, short_target=4))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5", "c")  # no figure yet: no corrective action
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await type_text(pilot, "9.5")
        await pilot.press("enter", "enter")  # value, then the date as offered (today)
        await type_text(pilot, "worse after the migration")
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, KpiScreen)
        assert kpi_rows(screen)[0][4:5] == ["9.5"] and kpi_rows(screen)[0][8] == "missed"
        await pilot.press("c")
        await settle(pilot)
    with open_store(db_path) as store:
        (measurement,) = store.measurements(kpi.id)
        assert (measurement.value, measurement.note, measurement.measured_at.date()) == (
            9.5, "worse after the migration", date(2026, 3, 14))
        (item,) = store.register_items(workshop_id)
    assert item.kpi_ids == [kpi.id]
    assert "Mean time to restore is at 9.5 h" in item.description and "target is 4 h" in item.description


async def test_a_missed_dimension_target_in_step_five_raises_a_corrective_item(db_path: Path) -> None:
    with open_store(db_path) as store:
        first = create_workshop(store)
        store.save_score(first, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=2))
        store.save_score(first, Score(dimension_key="partners-suppliers", kind=ScoreKind.TARGET, value=4))
        second = store.start_next_cycle(first).id
        store.save_score(second, Score(dimension_key="partners-suppliers", kind=ScoreKind.CURRENT, value=2))
        store.set_current_step(second, 5)
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)  # cycle 2, the newest change
        review = pilot.app.screen.query_one("#dimension-review", LineTable)
        review.focus()
        row = next(i for i in range(review.row_count) if review.get_row_at(i)[0].plain == "Partners and suppliers")
        review.move_cursor(row=row)
        assert review.get_row_at(row)[4].plain == "missed"
        await pilot.press("c")
        await settle(pilot)
    with open_store(db_path) as store:
        (item,) = store.register_items(second)
    assert item.dimension_keys == ["partners-suppliers"]
    assert item.description == "Corrective action: Partners and suppliers is at 2, the target was 4"


async def test_the_chart_spans_cycles(db_path: Path) -> None:
    with open_store(db_path) as store:
        first = create_workshop(store)
        kpi = store.add_kpi(first, Kpi(name="FCR", baseline=60, short_target=75))
        for month, value in ((1, 62), (2, 65)):
            store.add_measurement(first, Measurement(kpi_id=kpi.id, measured_at=datetime(2026, month, 28, tzinfo=UTC),
                                                     value=value))
        second = store.start_next_cycle(first).id
        (carried,) = store.kpis(second)
        store.add_measurement(second, Measurement(kpi_id=carried.id, measured_at=datetime(2026, 5, 28, tzinfo=UTC),
                                                  value=70))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = pilot.app.screen
        assert str(screen.query_one("#chart-title", Static).render()) == "Trend of FCR: 3 measurements over cycles 1-2"
        legend = plotted(screen)
        assert "cycle 1" in legend and "cycle 2" in legend


async def test_a_measurement_of_1e999_is_refused_in_one_line_and_nothing_is_saved(db_path: Path) -> None:
    # 1e999 is a float to Python (inf): stored, it became inf, the JSON export wrote null and the
    # export's own import failed. Every figure is finite (domain/models.Figure).
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        kpi = store.add_kpi(workshop_id, Kpi(name="FCR", unit="%", baseline=60, short_target=75))
    async with test_app(db_path).run_test(size=(120, 40)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5", "v")
        await settle(pilot)
        dialog = pilot.app.screen
        await type_text(pilot, "1e999")
        await pilot.press("enter", "enter")  # value, then the date as offered (today)
        await type_text(pilot, "a very good month")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog  # still open: refused
        error = str(dialog.query_one("#error", Static).render())
        assert "Value" in error and "finite number" in error and "\n" not in error.strip()
        assert dialog.query_one("#value", Input).value == "1e999"  # kept, to be corrected
        await pilot.press("escape", "y")  # typed changes: discard them
        await settle(pilot)
        assert isinstance(pilot.app.screen, KpiScreen)
    with open_store(db_path) as store:
        assert store.measurements(kpi.id) == []


async def test_ctrl_w_saves_a_measurement_as_it_saves_the_other_forms(db_path: Path) -> None:
    # It erased the typed value instead: ctrl+w was the text field's "delete the word to the left".
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        kpi = store.add_kpi(workshop_id, Kpi(name="First contact resolution", unit="%", baseline=55))
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5", "v")
        await settle(pilot)
        await type_text(pilot, "61")
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert isinstance(pilot.app.screen, KpiScreen)
    with open_store(db_path) as store:
        assert [m.value for m in store.measurements(kpi.id)] == [61]


async def test_at_80_columns_the_kpi_list_keeps_its_status_and_gives_the_rest_below(db_path: Path) -> None:
    with open_store(db_path) as store:
        workshop_id = create_workshop(store)
        store.add_kpi(workshop_id, Kpi(name="First-contact resolution", unit="%", baseline=60, short_target=75,
                                       long_target=85, source="ITSM monthly report"))
        store.add_kpi(workshop_id, Kpi(name="Supplier SLA met", unit="%", baseline=90, short_target=97))
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pilot.app.show_kpis(workshop_id)  # type: ignore[attr-defined]
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, KpiScreen)
        table = screen.query_one("#kpis", LineTable)
        assert "Status" in table.shown_headers and "Source" not in table.shown_headers
        assert "no figure yet" in table.render_line(1).text  # whole, not cut mid-word
        line = str(screen.query_one("#kpi-line", Static).render())
        assert "Long-term 85" in line and "Source ITSM monthly report" in line
        await pilot.press("down")
        await settle(pilot)  # the line follows the table's highlight message
        assert str(screen.query_one("#kpi-line", Static).render()).startswith("Supplier SLA met")


async def test_a_kpi_is_linked_to_a_dimension_with_the_keyboard_alone(db_path: Path) -> None:
    # At 80 x 24, down the form with enter as its text fields allow: a list opens on enter, typing
    # a name's first letters finds it among the practices, and enter on a choice moves on (it
    # opened the same list again, so the form went round in a circle).
    with open_store(db_path) as store:
        workshop_id = create_workshop(store, template="itil4-practices")  # 34 practices to choose from
        store.set_current_step(workshop_id, 3)
    async with test_app(db_path).run_test(size=(80, 24)) as pilot:
        await open_selected_workshop(pilot)
        await pilot.press("f5", "n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, KpiDialog)
        await type_text(pilot, "Reopened tickets")
        await pilot.press("enter", "enter", "enter", "enter", "enter", "enter", "enter")  # past the figures to the source
        await type_text(pilot, "ITSM report")
        await pilot.press("enter")  # to "Which way is better"
        await pilot.press("enter")  # open it
        await settle(pilot)
        await pilot.press("down", "enter")  # "lower is better", chosen
        await settle(pilot)
        await pilot.press("enter")  # the dimension's list: enter opens it...
        await settle(pilot)
        await type_keys(pilot, "know")  # ...and its first letters find the practice (quickly: the
        # list forgets what was typed after 0.7 s without a key)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.focused is pilot.app.screen.query_one("#measurable")  # moved on
        await pilot.press("enter")  # moves on too: it unticked "Can be measured today" silently
        await settle(pilot)
        assert pilot.app.focused is not pilot.app.screen.query_one("#measurable")
        await pilot.press("tab", "enter")  # past Cancel to Save
        await settle(pilot)
        assert isinstance(pilot.app.screen, KpiScreen)
    with open_store(db_path) as store:
        (kpi,) = store.kpis(workshop_id)
    assert (kpi.name, kpi.source, kpi.direction, kpi.dimension_key, kpi.measurable) == (
        "Reopened tickets", "ITSM report", Direction.LOWER, "knowledge-management", True)
