"""Reading the YAML data files (frameworks, the organisation, vocabularies) fast and safely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's safe loader is ~10× faster than the pure-Python one; both build plain data only
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
