"""Thousands of rows in a few statements, on SQLite and PostgreSQL (``agency_bulk.py``).

SQLAlchemy Core compiles and processes one parameter set per row, and a list of keys becomes
one bound parameter per key (in chunks, each chunk a statement the driver parses anew): for
8,300 agencies and 356,900 rows that costs more than the database's own work. Here:

- a set of keys is ONE parameter: an array on PostgreSQL (``= ANY``), JSON text read by
  ``json_each`` on SQLite, so that each question about all the agencies is one statement;
- rows go to the driver as plain tuples: ``COPY`` on PostgreSQL, ``executemany`` on SQLite, a
  value SQLAlchemy would convert (a time, a date on SQLite) converted by SQLAlchemy's own
  processor for its column, once per distinct value;
- the many OIT rows go to PostgreSQL as one block of COPY text built column by column.

A driver's refusal is raised as SQLAlchemy's ``DBAPIError``, so that the store words it as any
other (``store_write_failed``) and the transaction is rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam, func, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import Column, Table

_COPY_CHUNK = 20_000  # OIT rows per block of COPY text: the server reads one while the next is made
_NULL = "\\N"
_SPECIAL = ("\\", "\t", "\n", "\r")  # what COPY's text format writes with a backslash
_TEXT = frozenset({str, type(None)})
_WHOLE = frozenset({int, type(None)})
_DAYS = frozenset({dt.date, dt.datetime, type(None)})


def among(conn: Connection, column: Column, values: Sequence[str]) -> ColumnElement[bool]:
    """``column`` is one of ``values``: one bound parameter, however many values."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY  # loaded with a PostgreSQL store only

        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    keys = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, json.dumps(list(values)), type_=String))
    )
    return column.in_(keys)


def converter(conn: Connection, column: Column) -> Callable[[Any], Any]:
    """What ``insert_rows`` hands the driver for a value of ``column``: on SQLite what
    SQLAlchemy would send (a time as its text, a flag as a number); PostgreSQL's COPY takes
    the Python value as it is (a time with its zone, bytes)."""
    dialect = conn.dialect
    if dialect.name == "postgresql":
        return _same
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _same


def _same(value: Any) -> Any:
    return value


def insert_rows(
    conn: Connection, table: Table, names: Sequence[str], rows: Iterable[tuple]
) -> None:
    """Plain tuples (values as the driver takes them) into ``table``'s columns ``names``."""
    columns = ", ".join(names)
    with _driver(conn) as cur:
        if conn.dialect.name == "postgresql":
            with cur.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in names)
        cur.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", rows)


def copy_columns(conn: Connection, table: Table, names: Sequence[str], columns: list[list]) -> None:
    """PostgreSQL: rows given column by column (text, whole numbers, dates, None) into
    ``table``, as blocks of COPY text made a column at a time, not a row at a time."""
    if not columns or not columns[0]:
        return
    text = [_copy_text(c) for c in columns]
    with _driver(conn) as cur:
        sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with cur.copy(sql) as copy:
            for start in range(0, len(text[0]), _COPY_CHUNK):
                rows = zip(*(c[start : start + _COPY_CHUNK] for c in text), strict=True)
                copy.write("\n".join(map("\t".join, rows)) + "\n")


def _copy_text(values: list[Any]) -> list[str]:
    """Each value as COPY's text format writes it: NULL as ``\\N``; a backslash, tab, newline
    or carriage return behind a backslash. Text needs a look only when the column holds one of
    those at all; a date is written once per distinct value."""
    kinds = set(map(type, values))
    if kinds <= _TEXT:
        given = [v for v in values if v is not None]
        joined = "".join(given)
        if any(c in joined for c in _SPECIAL):
            return [_NULL if v is None else _escape(v) for v in values]
        if len(given) == len(values):
            return values
        return [_NULL if v is None else v for v in values]
    if kinds <= _WHOLE:  # numbers: a row's place, its Excel row
        if type(None) not in kinds:
            return list(map(str, values))
        return [_NULL if v is None else str(v) for v in values]
    if kinds <= _DAYS:  # dates repeat: each written once (a date is never equal to a time)
        days = {v: _NULL if v is None else _copy_value(v) for v in set(values)}
        return list(map(days.__getitem__, values))
    return [_NULL if v is None else _copy_value(v) for v in values]


def _escape(text: str) -> str:
    for c, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(c, escaped)
    return text


def _copy_value(v: Any) -> str:
    if isinstance(v, str):
        return _escape(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, dt.date):  # a date, or a time: ISO 8601, as PostgreSQL reads it
        return v.isoformat()
    raise TypeError(f"no COPY text for a {type(v).__name__} value")


@contextmanager
def _driver(conn: Connection) -> Iterator[Any]:
    """The driver's own cursor, in the connection's transaction; its refusal as ``DBAPIError``."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    dbapi = conn.dialect.dbapi
    cur = raw.cursor()
    try:
        yield cur
    except dbapi.Error as exc:
        raise DBAPIError(None, None, exc) from exc
    finally:
        cur.close()
