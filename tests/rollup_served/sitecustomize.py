"""Imported by Python at start-up, and only in the browser test's served dashboard (its
``PYTHONPATH`` names this folder): the roll-up page's figures come from a synthetic roll-up of
``ITA_TEST_ROLLUP_AGENCIES`` agencies (``tests/rollup_factory.py``), the ones the test put in the
store's registry. Tests only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_COUNT = os.environ.get("ITA_TEST_ROLLUP_AGENCIES")
if _COUNT:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from app_pages import _rollup
    from tests.rollup_factory import Synthetic

    _made = Synthetic(int(_COUNT))
    _rollup.compute = _made.compute  # the registry is the store's (the test registers them)
