"""Settings: one typed object, each with a name, a default and help text.

Read from the environment (``ITA_MAX_FILE_MB=50``) so that the dashboard, the command line
and CI agree. ``SETTINGS_HELP`` is what the README documents (a test keeps them in step).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseModel):
    """Given values win; then ``ITA_<NAME>`` from the environment; then the default."""

    model_config = ConfigDict(frozen=True)

    max_file_mb: float = Field(
        20.0, gt=0, description="Refuse files larger than this many megabytes."
    )
    max_cells: int = Field(
        3_000_000,  # a national OIT sheet (8,300 agencies x 43 items x 8 columns) fits
        gt=0,
        description="Refuse sheets with more cells than this, before reading them.",
    )
    max_unzipped_mb: float = Field(
        1024.0, description="Refuse workbooks whose parts unpack to more than this (zip bombs)."
    )
    year: int = Field(
        2565, ge=2500, le=2700, description="Default fiscal year (Buddhist Era) of the framework."
    )
    data_dir: Path = Field(ROOT / "data", description="Folder of the bundled and stored data.")
    store_dir: Path = Field(
        ROOT / "data" / "store", description="Folder where every uploaded file is kept."
    )
    store: str | None = Field(
        None,
        description="Where submissions are kept: a folder (SQLite + files) or a "
        "postgresql://user:pass@host/db URL shared by several dashboards; default: ITA_STORE_DIR.",
    )
    users_file: Path | None = Field(
        None,
        description="The accounts file of earlier versions (default: users.json in ITA_STORE_DIR): "
        "imported once into the store's accounts when it has none, then never read again.",
    )
    oidc_default_role: str = Field(
        "viewer",
        description="Role of someone signed in (OpenID Connect) who has no account in the store.",
    )
    load_sample: bool = Field(
        True,
        description="Load the bundled sample data (data/sample) into a fresh store (one that "
        "never had a submission), as files sent by 'sample'; false: start empty (tests, CI).",
    )
    organisation: Path = Field(
        ROOT / "data" / "organisation.yaml",
        description="The organisation's divisions and who owns which OIT item.",
    )

    link_allow_hosts: str = Field(
        "",
        description="Hosts the link check may open although they resolve to a private, loopback "
        "or link-local address (comma-separated; e.g. an intranet mirror, 127.0.0.1 in tests).",
    )
    link_robots_ignore_hosts: str = Field(
        "",
        description="Hosts whose robots.txt the link check does not obey: the agency's own "
        "site, when its robots.txt shuts out every program (comma-separated).",
    )
    link_schedule: Literal["off", "daily", "weekly"] = Field(
        "off",
        description="How often `python -m ita_model links check --if-due` (run hourly by cron or "
        "a systemd timer) checks every link: off, daily or weekly (Mondays).",
    )
    link_schedule_hour: int = Field(
        2, ge=0, le=23, description="The hour (Thailand time) the scheduled link check runs."
    )
    link_timeout_s: float = Field(
        15.0, gt=0, le=120, description="Seconds the link check waits for one page (each hop)."
    )
    link_max_mb: float = Field(
        25.0, gt=0, description="The most of one page or file the link check reads and keeps."
    )
    link_concurrency: int = Field(
        32, ge=1, le=256, description="Links checked at once (at most half of them on one site)."
    )
    link_ca_file: Path | None = Field(
        None,
        description="Extra certificate authorities (a PEM file) the link check trusts beside the "
        "public ones: an intranet's own CA, or the tests' local server.",
    )
    link_check_on_accept: bool = Field(
        True, description="Check a division's links each time one of its workbooks is accepted."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        # plain pydantic rather than pydantic-settings: a command starts 0.13 s sooner
        given = dict(data or {})
        for name in cls.model_fields:
            key = f"ITA_{name.upper()}"
            if name not in given and key in os.environ:
                given[name] = os.environ[key]
        return given


def get_settings() -> Settings:
    return Settings()


# What an administrator may change on the Settings page (kept in the store, so every dashboard
# on one store agrees); the rest says where things are and is the operator's to set.
EDITABLE = (
    "year",
    "max_file_mb",
    "max_cells",
    "link_allow_hosts",
    "link_robots_ignore_hosts",
    "link_schedule",
    "link_schedule_hour",
)


def env_var(name: str) -> str:
    return f"ITA_{name.upper()}"


def from_environment(name: str) -> bool:
    """Whether the environment sets this setting: it then wins over the Settings page."""
    return env_var(name) in os.environ


def with_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """``settings`` with what an administrator set (``Store.overrides()``), except where the
    environment sets the value."""
    changes = {k: v for k, v in overrides.items() if k in EDITABLE and not from_environment(k)}
    if not changes:
        return settings
    return Settings(**{**settings.model_dump(), **changes})


def store_target(settings: Settings | None = None) -> str | Path:
    """The store to open: ``ITA_STORE`` (a folder or a URL), else ``ITA_STORE_DIR``."""
    settings = settings or get_settings()
    return settings.store or settings.store_dir


def users_file(settings: Settings | None = None, store_dir: Path | None = None) -> Path:
    """The users.json of earlier versions: ``ITA_USERS_FILE``, else the one in the store's
    folder (``store_dir``, default ``ITA_STORE_DIR``)."""
    settings = settings or get_settings()
    return settings.users_file or (store_dir or settings.store_dir) / "users.json"
