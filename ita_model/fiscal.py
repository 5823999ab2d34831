"""The Thai fiscal year in force today (it starts on 1 October: 1 Oct 2026 opens FY2570), and
Thailand's days: a date given as "as of" means up to the end of that day in Thailand.

"Today" is Thailand's day (UTC+7, no daylight saving), whatever the server's clock zone, so a
set-up done at 06:30 on 1 October in Bangkok already defaults to the new year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from ita_model.thai import fiscal_year_of

THAILAND = timezone(timedelta(hours=7), "Asia/Bangkok")


def today_in_thailand(now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(THAILAND).date()


def now_in_thailand() -> datetime:
    """This moment on Thailand's clock (what a hand-out says it was made on)."""
    return datetime.now(THAILAND)


def current_fiscal_year(today: date | datetime | None = None) -> int:
    """The Buddhist-Era fiscal year of a day (default: today in Thailand)."""
    if isinstance(today, datetime) or today is None:
        today = today_in_thailand(today)
    return fiscal_year_of(today)


def end_of_day(when: date | datetime) -> datetime:
    """A date means up to the end of that day in Thailand; a naive time is Thai time."""
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=THAILAND)
    return datetime.combine(when + timedelta(days=1), time.min, THAILAND) - timedelta(
        microseconds=1
    )


def thai_day(at: datetime) -> date:
    """The day in Thailand of a moment."""
    return at.astimezone(THAILAND).date()
