"""An agency in a deployment's registry: its code, name, type, province and parent (สังกัด).

A deployment holds one agency (the embedded ``default``) or thousands; every row of the store
belongs to exactly one. The registry is what a supervisor's scope (``scope.py``) is matched
against and what the roll-up lists. The type is a code of ``agency_types.yaml``; the words a
sheet uses for it (the Thai or English name, the code, or an abbreviation such as อปท.) are
mapped by ``agency_type_of``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ita_model.agency import DEFAULT_AGENCY, agency_types

__all__ = ["DEFAULT_AGENCY", "AgencyRecord", "agency_type_of", "norm_words", "type_key"]

CODE_PATTERN = r"^[0-9A-Za-z\u0E00-\u0E7F][0-9A-Za-z\u0E00-\u0E7F._-]{0,31}$"


def norm_words(text: str) -> str:
    """Compare words as a clerk reads them: NFC, no zero-width marks, single spaces, casefolded."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", text)
    return " ".join(text.split()).casefold()


def type_key(word: str) -> str:
    """A type word as it is compared: ``norm_words`` without its spaces and dots, so that
    ``อ.ป.ท``, ``อปท.`` and ``อปท`` are one word, and so are ``Local  Government`` and
    ``local government``."""
    return re.sub(r"[\s.]", "", norm_words(word))


def type_words() -> dict[str, str]:
    """Every word of a type (its code, Thai and English names, abbreviations) -> its code."""
    return dict(_type_words())


@functools.cache
def _type_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for t in agency_types().values():
        for word in (t.code, t.name_th, t.name_en, *t.abbreviations):
            key = type_key(word)
            if words.setdefault(key, t.code) != t.code:
                raise ValueError(f"agency_types.yaml: '{word}' names two types")
    return words


def agency_type_of(word: str) -> str | None:
    """The type code a sheet's word names (code, Thai or English name, an abbreviation), or
    None."""
    return _type_words().get(type_key(word))


class AgencyRecord(BaseModel):
    """One agency as the registry keeps it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    type: str | None = None  # a code of agency_types.yaml
    province: str | None = Field(None, max_length=100)
    parent: str | None = Field(None, max_length=300)  # สังกัด

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in agency_types():
            raise ValueError(f"unknown agency type {value!r}")
        return value

    @field_validator("province", "parent")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
