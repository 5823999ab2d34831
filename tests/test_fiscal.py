"""The default fiscal year of the set-up: the Thai fiscal year starts on 1 October."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ita_model.fiscal import current_fiscal_year


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 9, 30), 2569), (date(2026, 10, 1), 2570), (date(2026, 12, 1), 2570)],
)
def test_default_fiscal_year(day: date, year: int) -> None:
    assert current_fiscal_year(day) == year


def test_the_day_is_thailand_s() -> None:
    # 18:00 UTC on 30 Sep is already 1 Oct 01:00 in Bangkok
    assert current_fiscal_year(datetime(2026, 9, 30, 18, 0, tzinfo=UTC)) == 2570
    assert current_fiscal_year(datetime(2026, 9, 30, 16, 59, tzinfo=UTC)) == 2569
