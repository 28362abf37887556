"""A footer that shows the keys that matter on this screen, as many as the width holds.

Textual's footer lays every shown binding end to end and lets the row run under the palette key
at the right edge: at 80 columns the step footer ended at "f3 Reg", the global keys (quit,
projector) were lost, and a letter of the hidden tail showed after "^p palette". Here the screen
names its keys by binding id, most important first; the footer keeps the ones that fit whole,
in that order, and draws again when the terminal is resized. Every other key is still bound,
listed by `?` and in the command palette.

A key may carry a short label for the footer ("Back" for "Previous step"): the binding's own
name is what `?` and the palette show, in full, beside what the key does.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_KEY_CELLS = 14  # "▏^p palette" with its border and a cell of air
KEY_GAP = 1  # the margin after each key in a compact footer


def key_cells(key_display: str, description: str) -> int:
    """Cells a key takes in a compact footer: `^n Next` and its margin."""
    return len(key_display) + (1 + len(description) if description else 0) + KEY_GAP


class FittedFooter(Footer):
    DEFAULT_CSS = """
    FittedFooter.-compact FooterKey.-command-palette { margin-right: 0; padding-right: 1; }
    """

    def __init__(self, keys: Sequence[str | tuple[str, str]], **kwargs: object) -> None:
        """`keys`: binding ids in the order they matter on this screen, each alone or with its
        short footer label."""
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keys = tuple((key, "") if isinstance(key, str) else key for key in keys)
        self._fitted_width = 0

    def chosen(self, width: int) -> list[tuple[Binding, bool, str, str]]:
        """The bindings shown at `width`: the screen's keys, in its order, while they fit."""
        by_id: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.id and binding.id not in by_id:
                by_id[binding.id] = (binding, enabled, tooltip)
        room = width - PALETTE_KEY_CELLS
        shown = []
        for key, short in self.keys:
            if key not in by_id:
                continue
            binding, enabled, tooltip = by_id[key]
            label = short or binding.description
            cells = key_cells(self.app.get_key_display(binding), label)
            if cells > room:
                break  # keys keep their order: a later, smaller key does not jump the queue
            room -= cells
            shown.append((binding, enabled, tooltip or binding.tooltip or binding.description, label))
        return shown

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._fitted_width = self.app.size.width
        for binding, enabled, tooltip, label in self.chosen(self._fitted_width):
            yield FooterKey(binding.key, self.app.get_key_display(binding), label, binding.action,
                            disabled=not enabled, tooltip=tooltip).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, tooltip = palette
                yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                                classes="-command-palette", disabled=not enabled,
                                tooltip=binding.tooltip or binding.description)

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._fitted_width:
            self.call_later(self.recompose)
