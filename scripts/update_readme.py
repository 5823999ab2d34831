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
from ita_model.links.problems import LINK_CODES  # noqa: E402

README = ROOT / "README.md"


def codes_table(codes: dict | None = None) -> str:
    lines = ["| code | severity | Thai | English |", "|---|---|---|---|"]
    for c in (CODES if codes is None else codes).values():
        th = c.th.replace("|", "\\|")
        en = c.en.replace("|", "\\|")
        lines.append(f"| `{c.code}` | {c.severity.value} | {th} | {en} |")
    return "\n".join(lines)


def render(text: str) -> str:
    text = re.sub(
        r"(<!-- codes:start -->\n).*?(<!-- codes:end -->)",
        lambda m: m.group(1) + codes_table() + "\n" + m.group(2),
        text,
        flags=re.S,
    )
    return re.sub(
        r"(<!-- link-codes:start -->\n).*?(<!-- link-codes:end -->)",
        lambda m: m.group(1) + codes_table(LINK_CODES) + "\n" + m.group(2),
        text,
        flags=re.S,
    )


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
