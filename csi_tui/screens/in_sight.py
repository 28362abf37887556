"""Whether a screen is in sight: the top screen, or one that only dialogs cover.

Screens below the top one hear every change to the file too (a vote, a save in another
window). One nobody sees keeps the news and reads it when shown again, rather than reading and
drawing on every vote for nothing. Textual's `Screen.is_current` is no help here: it counts the
screen just below the top one as visible whatever covers it, so the workshop list under a step
screen re-read every workshop, refilled its table and laid its footer out again on every vote.
"""

from __future__ import annotations

from textual.screen import ModalScreen, Screen


def in_sight(screen: Screen[object]) -> bool:
    for above in reversed(screen.app.screen_stack):
        if above is screen:
            return True
        if not isinstance(above, ModalScreen):  # a whole screen covers everything below it
            return False
    return False
