"""A value per object in this process, made on first use and forgotten with its object; a forked child
(gunicorn's workers) starts with none, since the parent's state (counts, queued rows) is not its own."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class PerProcess(Generic[K, V]):
    """The value must not hold its key strongly (a weak reference), or the key is never forgotten."""

    def __init__(self) -> None:
        self._values: weakref.WeakKeyDictionary[K, V] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._values = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        value = self._values.get(key)
        if value is None:
            with self._lock:
                value = self._values.get(key)
                if value is None:
                    value = self._values[key] = make()
        return value
