"""Build the hand-made files in tests/data/hostile/: python tests/data/make_hostile.py

Everything is written byte by byte, with no timestamps, so the output is the same on every run
and a test can check that the files in the repository are what this script builds. The
builders (a zip writer that can lie about sizes, an OLE2 compound-file writer, a minimal BIFF8
.xls and .ods) are also imported by tests/test_reader.py to make variants at run time.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent / "hostile"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

# --- zip -----------------------------------------------------------------------------------


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def padded_deflated(head: bytes, megabytes: int) -> tuple[bytes, int]:
    """Raw deflate of ``head`` then ``megabytes`` MiB of spaces, without ever holding them:
    fully flushed blocks stand alone, so one block is repeated. Returns (data, crc)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    mb = b" " * (1 << 20)
    block = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(mb, crc)
    return first + block * megabytes + c.flush(), crc


def zip_bytes(entries: Iterable[tuple[str, bytes, int, int] | tuple[str, bytes]]) -> bytes:
    """A zip from (name, data) or (name, raw_deflate, crc, declared_size) entries: the second
    form lets a test declare any size, true or not."""
    out, central, count = bytearray(), bytearray(), 0
    for entry in entries:
        count += 1
        if len(entry) == 2:
            name, data = entry  # type: ignore[misc]
            method, body, crc, size = 8, deflate(data), zlib.crc32(data), len(data)
            if name == "mimetype":  # ODF wants it first and stored
                method, body = 0, data
        else:
            name, body, crc, size = entry  # type: ignore[misc]
            method = 8
        raw = name.encode()
        head = struct.pack(
            "<HHHHHIIIHH", 20, 0x800, method, 0, 0x21, crc, len(body), size, len(raw), 0
        )
        central += b"PK\x01\x02" + struct.pack("<H", 20) + head
        central += struct.pack("<HHHII", 0, 0, 0, 0, len(out)) + raw
        out += b"PK\x03\x04" + head + raw + body
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + eocd)


# --- xlsx ------------------------------------------------------------------------------------


def sheet_xml(rows: dict[int, dict[str, str]], dimension: str | None = "A1", tail: str = "") -> str:
    """A worksheet part: {row: {ref: inline text}}, an optional <dimension>, then ``tail``."""
    body = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for ref, v in cells.items()
        )
        + "</row>"
        for r, cells in rows.items()
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{dim}<sheetData>{body}</sheetData>'
        f"{tail}</worksheet>"
    )


def xlsx_parts(
    sheets: dict[str, str],
    *,
    workbook_prolog: str = "",
    main_type: str = XLSX_MAIN,
    hidden: Iterable[str] = (),
) -> list[tuple[str, bytes]]:
    """The parts of a minimal workbook: sheet name -> worksheet XML."""
    hidden = set(hidden)
    overrides = f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
    sheet_els, rels, parts = "", "", []
    for i, (name, xml) in enumerate(sheets.items(), 1):
        state = ' state="hidden"' if name in hidden else ""
        sheet_els += f'<sheet name={quoteattr(name)} sheetId="{i}"{state} r:id="rId{i}"/>'
        rels += (
            f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
        )
        overrides += (
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        parts.append((f"xl/worksheets/sheet{i}.xml", xml.encode()))
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{workbook_prolog}'
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{sheet_els}</sheets></workbook>'
    )
    book_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL_NS}">'
        f"{rels}</Relationships>"
    )
    return [
        ("[Content_Types].xml", types.encode()),
        ("_rels/.rels", root_rels.encode()),
        ("xl/workbook.xml", workbook.encode()),
        ("xl/_rels/workbook.xml.rels", book_rels.encode()),
        *parts,
    ]


def xlsx(sheets: dict[str, str], **kw: object) -> bytes:
    return zip_bytes(xlsx_parts(sheets, **kw))  # type: ignore[arg-type]


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>\n"
)


# --- OLE2 compound file ----------------------------------------------------------------------

_END, _FREE_SECT, _FAT_SECT, _NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file (512-byte sectors) holding ``streams``; each is padded to at
    least 4096 bytes so that no mini stream is needed."""
    size = 512
    sectors: list[bytes] = []
    chains: list[int] = []
    starts, lengths = [], []
    for data in streams.values():
        data = data.ljust(4096, b"\x00")
        n = -(-len(data) // size)
        starts.append(len(sectors))
        lengths.append(len(data))
        for k in range(n):
            sectors.append(data[k * size : (k + 1) * size].ljust(size, b"\x00"))
            chains.append(len(sectors) if k < n - 1 else _END)
    entries = [_dir_entry("Root Entry", 5, _END, 0, child=1)]
    for i, name in enumerate(streams):
        right = i + 2 if i + 1 < len(streams) else _NO_STREAM
        entries.append(_dir_entry(name, 2, starts[i], lengths[i], right=right))
    while len(entries) % 4:
        entries.append(b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + b"\xff" * 12 + b"\x00" * 48)
    dir_start = len(sectors)
    n_dir = len(entries) // 4
    for k in range(n_dir):
        sectors.append(b"".join(entries[k * 4 : (k + 1) * 4]))
        chains.append(len(sectors) if k < n_dir - 1 else _END)
    n_fat = 1
    while len(sectors) + n_fat > n_fat * 128:
        n_fat += 1
    fat_ids = list(range(len(sectors), len(sectors) + n_fat))
    table = chains + [_FAT_SECT] * n_fat
    table += [_FREE_SECT] * (n_fat * 128 - len(table))
    fat = struct.pack(f"<{len(table)}I", *table)
    sectors += [fat[k * size : (k + 1) * size] for k in range(n_fat)]
    difat = fat_ids + [_FREE_SECT] * (109 - len(fat_ids))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )
    return header + b"".join(sectors)


def _dir_entry(
    name: str, kind: int, start: int, size: int, *, child: int = _NO_STREAM, right: int = _NO_STREAM
) -> bytes:
    raw = (name + "\x00").encode("utf-16-le")
    return (
        raw.ljust(64, b"\x00")
        + struct.pack("<HBB", len(raw), kind, 1)
        + struct.pack("<III", _NO_STREAM, right, child)
        + b"\x00" * 16
        + struct.pack("<I", 0)
        + b"\x00" * 16
        + struct.pack("<IQ", start, size)
    )


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected .xlsx: OLE2 with the encrypted package."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header
    return cfb(
        {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 3000) + b"\x5a" * 3000}
    )


# --- BIFF8 (.xls) ----------------------------------------------------------------------------


def _rec(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(dt: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))


def xls(
    sheets: list[
        tuple[str, bool, dict[tuple[int, int], str | float], list[tuple[int, int, int, int]]]
    ],
) -> bytes:
    """A BIFF8 workbook: (name, hidden, {(row0, col0): text or number}, merged (r1, r2, c1, c2))."""
    strings: list[str] = []
    for _, _, cells, _ in sheets:
        strings += [v for v in cells.values() if isinstance(v, str) and v not in strings]
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings
    )
    bodies = []
    for _, _, cells, merged in sheets:
        rows = [r for r, _ in cells] or [0]
        cols = [c for _, c in cells] or [0]
        body = _bof(0x0010) + _rec(
            0x0200, struct.pack("<IIHHH", min(rows), max(rows) + 1, min(cols), max(cols) + 1, 0)
        )
        for (r, c), v in sorted(cells.items()):
            if isinstance(v, str):
                body += _rec(0x00FD, struct.pack("<HHHI", r, c, 15, strings.index(v)))
            else:
                body += _rec(0x0203, struct.pack("<HHHd", r, c, 15, v))
        if merged:
            body += _rec(
                0x00E5,
                struct.pack("<H", len(merged)) + b"".join(struct.pack("<HHHH", *m) for m in merged),
            )
        bodies.append(body + _rec(0x000A))

    def globals_(offsets: list[int]) -> bytes:
        out = _bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))
        out += _rec(
            0x0031,
            struct.pack("<HHHHHBBBB", 220, 0, 0, 400, 0, 0, 0, 0, 0)
            + b"\x05\x01A\x00r\x00i\x00a\x00l\x00",
        )
        out += b"".join(_rec(0x00E0, _xf(0xFFF5)) for _ in range(15)) + _rec(0x00E0, _xf(0x0001))
        for (name, hidden, _, _), off in zip(sheets, offsets, strict=True):
            raw = name.encode("utf-16-le")
            out += _rec(0x0085, struct.pack("<IBBBB", off, int(hidden), 0, len(name), 1) + raw)
        return out + _rec(0x00FC, sst) + _rec(0x000A)

    size = len(globals_([0] * len(sheets)))
    offsets = []
    for body in bodies:
        offsets.append(size)
        size += len(body)
    return cfb({"Workbook": globals_(offsets) + b"".join(bodies)})


def _xf(kind: int) -> bytes:
    """An extended-format record: 0xFFF5 a style, 0x0001 a cell format (General)."""
    return struct.pack("<HHHBBBBIIH", 0, 0, kind, 0x20, 0, 0, 0, 0, 0, 0x20C0)


# --- ods ---------------------------------------------------------------------------------------

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def ods(tables: str, styles: str = "") -> bytes:
    """An .ods with ``tables`` (table:table elements) as its content."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="'
        + ODS_MIME.decode()
        + '"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return zip_bytes(
        [
            ("mimetype", ODS_MIME),
            ("content.xml", content.encode()),
            ("META-INF/manifest.xml", manifest.encode()),
        ]
    )


def ods_cell(v: str) -> str:
    cell = '<table:table-cell office:value-type="string">'
    return f"{cell}<text:p>{escape(v)}</text:p></table:table-cell>"


# --- the files ---------------------------------------------------------------------------------

_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def files() -> dict[str, bytes]:
    """Every checked-in file, by name."""
    ok_sheet = sheet_xml({1: {"A1": "ข้อ", "B1": "สถานะ"}, 2: {"A2": "o1", "B2": "done"}}, "A1:B2")
    sparse = sheet_xml({1: {"A1": "a"}, 1048576: {"XFD1048576": "z"}}, dimension="A1")
    good = xlsx({"OIT": ok_sheet})
    docx = zip_bytes(
        [
            (
                "[Content_Types].xml",
                b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            ),
            (
                "word/document.xml",
                b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
            ),
        ]
    )
    lying = [
        (n, deflate(d), zlib.crc32(d), len(d) if "sheet" not in n else 1000)
        for n, d in xlsx_parts(
            {"OIT": sheet_xml({r: {f"A{r}": "x" * 50} for r in range(1, 2001)}, "A1:A2000")}
        )
    ]
    thai = "ส่วนราชการ"
    return {
        "good.xlsx": good,
        "pdf_renamed.xlsx": _PDF,
        "truncated.xlsx": good[: len(good) * 2 // 3],
        "empty.xlsx": b"",
        "docx_renamed.xlsx": docx,
        "billion_laughs.xlsx": xlsx({"OIT": ok_sheet}, workbook_prolog=BILLION_LAUGHS),
        "entity_in_sheet.xlsx": xlsx(
            {"OIT": ok_sheet.replace("<worksheet", BILLION_LAUGHS + "<worksheet", 1)}
        ),
        "encrypted.xlsx": encrypted_xlsx(),
        "sparse_bomb.xlsx": xlsx({"OIT": sparse}),
        "lying_size.xlsx": zip_bytes(lying),
        "ods_bomb.ods": ods(
            '<table:table table:name="S"><table:table-row table:number-rows-repeated="200000">'
            '<table:table-cell office:value-type="string" table:number-columns-repeated="100">'
            "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
        ),
        "tiny.xls": xls(
            [
                (
                    "OIT",
                    False,
                    {(4, 2): "ข้อ", (4, 3): "สถานะ", (5, 2): "o1", (5, 3): 1.0, (6, 2): thai},
                    [(6, 7, 2, 3)],
                ),
                ("ซ่อน", True, {(0, 0): "hidden"}, []),
            ]
        ),
        "tiny.ods": ods(
            '<table:table table:name="OIT"><table:table-row table:number-rows-repeated="2">'
            '<table:table-cell table:number-columns-repeated="4"/></table:table-row>'
            '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
            + ods_cell("ข้อ")
            + ods_cell("สถานะ")
            + "</table:table-row><table:table-row>"
            + '<table:table-cell table:number-columns-repeated="2"/>'
            + ods_cell("o1")
            + '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
            "</table:table-cell></table:table-row>"
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row></table:table>'
            '<table:table table:name="ซ่อน" table:style-name="ta2"><table:table-row>'
            + ods_cell("hidden")
            + "</table:table-row></table:table>",
            styles='<style:style style:name="ta2" style:family="table">'
            '<style:table-properties table:display="false"/></style:style>',
        ),
    }


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, data in files().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
