"""A change signal every open screen can subscribe to, without Textual (the session sits below
the UI). Publishing happens on the UI's event loop only: the session hands news from its writer
thread over with `call_soon_threadsafe`, so a listener never runs on another thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Broadcast(Generic[T]):
    def __init__(self) -> None:
        self._listeners: list[Callable[[T], None]] = []

    def subscribe(self, listener: Callable[[T], None]) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[T], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def publish(self, news: T) -> None:
        for listener in list(self._listeners):  # a listener may unsubscribe while we call it
            listener(news)
