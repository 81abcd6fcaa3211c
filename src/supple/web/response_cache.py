"""A small in-process LRU of encoded response bodies.

Only ever keyed by a freshness stamp read from the database on the same request (see
``supple.store.freshness``), so an entry is found only while the records it was computed from
are unchanged: it saves the computing, never the checking.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

SIZE = 256  # a few KB each: people × dates in use, with room to spare


class ResponseCache:
    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()  # routes run in a thread pool

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        with self._lock:
            self._items[key] = body
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


_create = threading.Lock()


def for_app(state: Any, name: str) -> ResponseCache:
    """The app's cache called ``name``, made on first use (one per app, so two apps over two
    databases never share entries)."""
    cache: ResponseCache | None = getattr(state, name, None)
    if cache is None:
        with _create:
            cache = getattr(state, name, None)
            if cache is None:
                cache = ResponseCache()
                setattr(state, name, cache)
    return cache
