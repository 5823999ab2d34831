"""What a supervisor oversees: every agency, a province, a parent body (สังกัด), or a list.

Written on the command line and kept on an account as text: ``all``, ``province:พะเยา``,
``parent:กรมส่งเสริมการปกครองท้องถิ่น``, ``agencies:A001,A002``; several parts joined by ``;``
mean any of them. Province and parent names are compared as a clerk reads them (``norm_words``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast, get_args

from ita_model.agencies import AgencyRecord, norm_words
from ita_model.errors import CodedError

Kind = Literal["all", "province", "parent", "agencies"]
KINDS: tuple[str, ...] = get_args(Kind)
MAX_TEXT = 10_000  # a scope is a short line; a longer one is refused unread


@dataclass(frozen=True)
class Part:
    kind: Kind
    values: tuple[str, ...] = ()

    def covers(self, record: AgencyRecord) -> bool:
        if self.kind == "all":
            return True
        if self.kind == "agencies":
            return record.code in self.values
        have = record.province if self.kind == "province" else record.parent
        return have is not None and norm_words(have) in {norm_words(v) for v in self.values}

    def text(self) -> str:
        return self.kind if self.kind == "all" else f"{self.kind}:{','.join(self.values)}"


@dataclass(frozen=True)
class Scope:
    parts: tuple[Part, ...]

    @classmethod
    def all(cls) -> Scope:
        return cls((Part("all"),))

    @property
    def everything(self) -> bool:
        return any(p.kind == "all" for p in self.parts)

    def covers(self, record: AgencyRecord) -> bool:
        return any(p.covers(record) for p in self.parts)

    def covered(self, records: Sequence[AgencyRecord]) -> list[AgencyRecord]:
        """The agencies of ``records`` the scope covers, in their order."""
        if self.everything:
            return list(records)
        return [r for r in records if self.covers(r)]

    def text(self) -> str:
        return ";".join(p.text() for p in self.parts)

    @classmethod
    def parse(cls, text: str) -> Scope:
        """Read a scope as written; ``CodedError('bad_scope')`` names what is wrong."""
        if len(text) > MAX_TEXT:
            raise CodedError("bad_scope", value=text[:80], why="too long")
        parts: list[Part] = []
        for chunk in text.split(";"):
            chunk = chunk.strip()
            if not chunk:
                continue
            kind, sep, rest = chunk.partition(":")
            kind = kind.strip().casefold()
            if kind not in KINDS:
                raise CodedError("bad_scope", value=chunk[:80], why=f"unknown kind {kind[:20]!r}")
            values = tuple(v.strip() for v in rest.split(",") if v.strip()) if sep else ()
            if kind == "all":
                if values:
                    raise CodedError("bad_scope", value=chunk[:80], why="'all' takes no values")
            elif not values:
                raise CodedError("bad_scope", value=chunk[:80], why="no values")
            parts.append(Part(cast(Kind, kind), values))
        if not parts:
            raise CodedError("bad_scope", value=text[:80], why="empty")
        return cls(tuple(parts))
