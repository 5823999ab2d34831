"""The five kinds of record a workbook yields, as pydantic models, and the status vocabulary."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ita_model.datafile import read_yaml

_STATUS_FILE = Path(__file__).with_name("statuses.yaml")
_SPACE = re.compile(r"\s+")


class Status(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    NOT_APPLICABLE = "not_applicable"


@cache
def _status_data() -> dict[str, dict]:
    return read_yaml(_STATUS_FILE)


def status_label(status: Status | str, lang: str = "th") -> str:
    return _status_data()[str(status)][f"label_{lang}"]


def status_words() -> dict[Status, list[str]]:
    return {Status(k): list(v["words"]) for k, v in _status_data().items()}


@cache
def _status_lookup() -> dict[str, Status]:
    return {
        _norm_status(w): status
        for status, words in status_words().items()
        for w in [*words, status.value, status_label(status, "th")]
    }


def _norm_status(text: str) -> str:
    return _SPACE.sub("", text).casefold()


def parse_status(text: str) -> Status | None:
    """The canonical status for a cell's words, or None when the words are not known."""
    return _status_lookup().get(_norm_status(text))


def suggest_status(text: str) -> str | None:
    """The accepted status word nearest to ``text`` (a typo's likely meaning), in Thai."""
    from ita_model.suggest import nearest

    status = nearest(_norm_status(text), _status_lookup())
    return None if status is None else status_label(status, "th")


def allowed_status_words() -> str:
    return ", ".join(w for words in status_words().values() for w in words[:3])


class Period(BaseModel):
    model_config = ConfigDict(frozen=True)
    start: dt.date
    end: dt.date | None = None  # None: open-ended ("เป็นต้นไป")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)
    row: int = Field(description="Excel row number, as Excel shows it")


class OitRecord(_Record):
    item: str = Field(pattern=r"^o\d{2}$")
    status: Status
    division: str | None = None  # the division id
    url: str | None = None
    urls: list[str] = []  # every URL of the cell, when it holds several
    updated: dt.date | None = None
    owner: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_url(cls, data: Any) -> Any:
        """The validator leaves ``urls`` empty when the cell holds exactly one URL."""
        if isinstance(data, dict) and not data.get("urls") and data.get("url"):
            data = {**data, "urls": [data["url"]]}
        return data


class MeasureRecord(_Record):
    measure: str
    action: str
    responsible: str | None = None
    period: Period | None = None
    period_text: str | None = None
    result: str | None = None
    suggestion: str | None = None
    status: Status | None = None


class TimelineRecord(_Record):
    activity: str
    start: dt.date
    end: dt.date | None = None
    phase: str | None = None  # IIT, EIT, OIT or general
    status: Status | None = None
    note: str | None = None


class SurveyRecord(_Record):
    tool: Literal["IIT", "EIT"]
    respondents: int = Field(ge=0)
    date: dt.date | None = None
    target: int | None = Field(default=None, ge=0)


class ScoreRecord(_Record):
    year: int = Field(description="fiscal year, Buddhist Era")
    indicator: str = Field(description="'1'…'10', 'IIT', 'EIT', 'OIT' or 'total'")
    score: float = Field(ge=0, le=100)
    tool: str | None = None


RECORD_MODELS: dict[str, type[_Record]] = {
    "oit": OitRecord,
    "measures": MeasureRecord,
    "timeline": TimelineRecord,
    "survey": SurveyRecord,
    "scores": ScoreRecord,
}
