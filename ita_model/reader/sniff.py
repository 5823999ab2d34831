"""What a file is, from its first bytes and never from its name: a zip (xlsx, xlsm, ods), an
OLE2 compound file (xls), text (csv); and, for a refusal, what it looks like instead (a PDF, a
picture, a web page saved as .xls)."""

from __future__ import annotations

import codecs

from ita_model.reader.raw import Refusal

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip, or an empty one
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def not_spreadsheet(suffix: str, looks: str) -> Refusal:
    """Named like a spreadsheet: say what it really is; named otherwise: say what we take."""
    if suffix in SPREADSHEET_SUFFIXES:
        return Refusal("not_a_spreadsheet", suffix=suffix, looks_like=looks)
    return Refusal("unsupported_type", suffix=suffix or "no extension")


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "image (PNG)"),
    (b"\xff\xd8\xff", "image (JPEG)"),
    (b"GIF8", "image (GIF)"),
    (b"II*\x00", "image (TIFF)"),
    (b"MM\x00*", "image (TIFF)"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"{\\rtf", "Word document (RTF)"),
    (b"MZ", "program (EXE)"),
)


def looks_like(data: bytes) -> str:
    """A short name for what non-spreadsheet bytes appear to be, for the refusal message."""
    for magic, label in _SIGNATURES:
        if data.startswith(magic):
            return label
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image (WEBP)"
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in head:
        return "unknown binary data"
    text = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text[:2048]:
        return "web page (HTML)"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
            return "Excel 2003 XML"
        return "XML"
    return "text"
