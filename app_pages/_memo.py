"""Figures worked out once per loaded data, not once per run.

``_data.load`` hands every run the same ``Readiness`` and dataset objects for as long as the
store, the year and the "as of" day are unchanged (``_data._load`` is a ``cache_resource``): what
a page works out from them (the overview's deadline, surveys, missing list and estimate; the
score page's estimate, lifts and year on year) is the same until they change, and cost a page
20–40 ms of its script at every visit. Kept beside the object, while it lives, a few keys each.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
MOST = 16  # keys kept per object: the figures of a few languages, days and what-ifs

_KEPT: dict[int, tuple[weakref.ref, dict[Hashable, Any]]] = {}
_LOCK = threading.Lock()


def once(anchor: object, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, worked out once per ``anchor`` (the loaded data it reads) and ``key``
    (everything else it reads: the day, the language, the what-if). ``make`` must read nothing
    else, and its result must not be changed by whoever gets it (it is shared by the sessions)."""
    with _LOCK:
        ref, kept = _KEPT.get(id(anchor), (None, None))
        if ref is not None and ref() is anchor and kept is not None and key in kept:
            return kept[key]
    made = make()
    with _LOCK:
        for k in [k for k, (r, _) in _KEPT.items() if r() is None]:  # objects no longer loaded
            del _KEPT[k]
        ref, kept = _KEPT.get(id(anchor), (None, None))
        if ref is None or ref() is not anchor or kept is None:
            kept = {}
            _KEPT[id(anchor)] = (weakref.ref(anchor), kept)
        if len(kept) >= MOST:
            kept.pop(next(iter(kept)))
        kept[key] = made
    return made
