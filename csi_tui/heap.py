"""Long-lived objects kept out of the garbage collector's full passes, so that no key waits for one.

A full collection (generation 2) walks every container object the interpreter tracks: about
50,000 once the app has started, 100,000 with a workshop and the room open. On this app's UI
thread that took 30-90 ms, in which no key is echoed, and a room voting brought one every half
minute or so. What start-up made (modules, classes, styles, the first screen) and what an open room
keeps for its whole life (its screen, the step beneath) is not garbage: frozen (gc.freeze), a
full pass no longer walks it. Frozen objects are still freed by reference counting when their last
reference goes; only a cycle among them waits, until the app ends and thaws them (thaw) — a
few screens a sitting at most.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """What exists now lives as long as the app: later full collections skip it."""
    gc.freeze()


def thaw() -> None:
    """The app is ending: whatever was frozen is the collector's again (tests run many apps in one
    process; a frozen app would be kept for the rest of the run)."""
    gc.unfreeze()
