"""The nearest allowed word to one a user typed: "did you mean ดำเนินการแล้ว?".

A status or a division name that does not read is usually a typo, a missing tone mark or a
word run together ("ดำเนนการแล้ว", "กองคลงั"); the message that refuses it names the closest
accepted word. ``difflib`` (the standard library's ratio of matching blocks) does it well for
vocabularies of a few dozen words, on the same squashed, case-folded form the readers match.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")
CUTOFF = 0.6  # below this the words share too little to be the same one mistyped


def nearest(key: str, choices: Mapping[str, T], *, cutoff: float = CUTOFF) -> T | None:
    """The value of the ``choices`` key closest to ``key`` (both already squashed), if close."""
    if not key:
        return None
    found = difflib.get_close_matches(key, list(choices), n=1, cutoff=cutoff)
    return choices[found[0]] if found else None


def hint(suggestion: str | None) -> dict[str, str]:
    """The template parameters that add "did you mean …?" to a message (empty: no hint)."""
    if not suggestion:
        return {"suggestion": "", "hint_th": "", "hint_en": ""}
    return {
        "suggestion": suggestion,
        "hint_th": f" หมายถึง '{suggestion}' หรือไม่?",
        "hint_en": f" (did you mean '{suggestion}'?)",
    }
