"""The workspace's views kept by the data version (WEB.md "Fast pages"): every committed write
— a disposition, an accepted or dismissed suggestion, an import — moves the version, so a
repeated view costs one lookup and the next view after a write is computed afresh."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ViewMemo:
    """key (including the data version) → a computed view; the few most recent kept."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The view under `key`, computed by `make` when absent."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value
