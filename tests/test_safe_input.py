"""A field draws what is typed as it is typed, scrolling sideways to keep the cursor in view, without
laying the screen out on every keystroke (widgets/safe_input.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from csi_tui.widgets.safe_input import SafeInput


class FieldApp(App[None]):
    CSS = "SafeInput { width: 14; }"

    def compose(self) -> ComposeResult:
        yield SafeInput(compact=True)


async def test_typing_past_the_end_of_a_narrow_field_scrolls_to_the_cursor_and_home_back() -> None:
    typed = "service desk first contact resolution"
    async with FieldApp().run_test(size=(40, 5)) as pilot:
        field = pilot.app.query_one(SafeInput)
        field.focus()
        await pilot.press(*typed)
        await pilot.pause()
        assert field.value == typed
        assert field.scroll_x > 0
        assert field.render_line(0).text.rstrip().endswith("resolution")

        await pilot.press("home")
        await pilot.pause()
        assert field.scroll_x == 0
        assert field.render_line(0).text.startswith("service desk")


async def test_a_keystroke_in_a_field_of_fixed_size_lays_nothing_out() -> None:
    async with FieldApp().run_test(size=(40, 5)) as pilot:
        field = pilot.app.query_one(SafeInput)
        field.focus()
        await pilot.pause()
        layouts = field._layout_updates  # Textual counts the layouts a widget asks for
        await pilot.press(*"knowledge")
        assert field.value == "knowledge"
        assert field._layout_updates == layouts
