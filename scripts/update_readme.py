"""Write the README's tables of problem codes and settings from the code (tests check they match).

Run: ``.venv/bin/python scripts/update_readme.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ita_model.errors import CODES  # noqa: E402

README = ROOT / "README.md"


def codes_table() -> str:
    lines = ["| code | severity | Thai | English |", "|---|---|---|---|"]
    for c in CODES.values():
        th = c.th.replace("|", "\\|")
        en = c.en.replace("|", "\\|")
        lines.append(f"| `{c.code}` | {c.severity.value} | {th} | {en} |")
    return "\n".join(lines)


def render(text: str) -> str:
    return re.sub(
        r"(<!-- codes:start -->\n).*?(<!-- codes:end -->)",
        lambda m: m.group(1) + codes_table() + "\n" + m.group(2),
        text,
        flags=re.S,
    )


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
