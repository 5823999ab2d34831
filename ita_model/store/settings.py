"""The settings an administrator changed on the Settings page, kept in the store so that every
dashboard on it uses them; each change, with the value before, is in the audit log.

A change never rewrites what is stored: file and sheet limits apply to files arriving after it
(the rows of files already kept were written when they arrived, see ``records.py``).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, insert, select

from ita_model.agency import DEFAULT_AGENCY
from ita_model.auth import Actor, Role
from ita_model.errors import InvalidDecision
from ita_model.framework import available_years
from ita_model.settings import EDITABLE, Settings, get_settings
from ita_model.store import base
from ita_model.store.events import Events, read_event
from ita_model.store.models import Event
from ita_model.store.schema import meta_t

_SETTING = "setting:"  # meta keys of the settings changed on the Settings page


class StoreSettings(Events):
    @property
    def _setting_prefix(self) -> str:
        """Each agency's settings apart: ``setting:NAME`` for the default agency (as before),
        ``setting@CODE:NAME`` for another."""
        return _SETTING if self.agency == DEFAULT_AGENCY else f"setting@{self.agency}:"

    def overrides(self) -> dict[str, Any]:
        """The settings an administrator of this agency changed on the Settings page."""
        prefix = self._setting_prefix
        with self._read() as conn:
            if conn is None:
                return {}
            rows = conn.execute(
                select(meta_t).where(meta_t.c.key.startswith(prefix, autoescape=True))
            )
            return {r.key.removeprefix(prefix): json.loads(r.value) for r in rows}

    def set_setting(self, name: str, value: Any, *, user: str | Actor) -> Event:
        """Change one of ``settings.EDITABLE`` for every dashboard on this store; the change,
        with the value before, goes to the audit log. An invalid value is refused whole."""
        if name not in EDITABLE:
            raise InvalidDecision(code="store_setting_fixed", value=name)
        try:
            after = getattr(Settings(**{name: value}), name)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise InvalidDecision(
                code="store_setting_invalid", value=repr(value), setting=name, problem=problem
            ) from None
        if name == "year" and after not in available_years():
            years = ", ".join(map(str, available_years()))
            raise InvalidDecision(code="store_no_framework", value=after, years=years)
        actor = self._acting(user, Role.ADMIN, "เปลี่ยนการตั้งค่า", "change settings")
        with self._write() as conn:
            key = self._setting_prefix + name
            kept = conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
            before = json.loads(kept) if kept is not None else getattr(get_settings(), name)
            conn.execute(delete(meta_t).where(meta_t.c.key == key))
            conn.execute(insert(meta_t).values(key=key, value=json.dumps(after)))
            detail = {"setting": name, "before": before, "after": after}
            seq = self._event(conn, actor, "setting_changed", at=base.now(), detail=detail)
            return read_event(conn, seq)
