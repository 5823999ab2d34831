"""The dashboard's own words, Thai first, as data (``ui_text.yaml``).

``t("overview.title", "en")`` looks a key up; ``{name}`` fields are filled from keyword
arguments. A key missing in English falls back to Thai, and a missing key shows itself, so a
typo is visible on screen rather than a crash.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from ita_model.datafile import read_yaml

Lang = Literal["th", "en"]
LANGS: tuple[Lang, ...] = ("th", "en")
_TEXT_FILE = Path(__file__).with_name("ui_text.yaml")


@cache
def ui_text() -> dict[str, dict[str, str]]:
    """Flatten the nested YAML into ``{"section.key": {"th": ..., "en": ...}}``."""
    raw = read_yaml(_TEXT_FILE)
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict) and "th" in value:
                out[name] = {k: str(v) for k, v in value.items()}
            elif isinstance(value, dict):
                walk(name, value)
            else:
                raise ValueError(f"ui_text.yaml: {name} needs 'th' (and 'en')")

    walk("", raw)
    return out


def t(key: str, lang: str = "th", /, **params: Any) -> str:
    entry = ui_text().get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["th"]
    return template.format(**params) if params else template


def both(key: str, /, **params: Any) -> str:
    """Thai, then the English beside it: for error messages the clerk and the IT help both read."""
    th, en = t(key, "th", **params), t(key, "en", **params)
    return th if th == en else f"{th} — {en}"


def name_of(row: Any, lang: str) -> str:
    """A row's (or model's) ``name_en`` in English when it has one, else ``name_th``."""
    get = row.get if hasattr(row, "get") else lambda k, d=None: getattr(row, k, d)
    if lang == "en" and get("name_en", None):
        return str(get("name_en"))
    return str(get("name_th", "") or "")
