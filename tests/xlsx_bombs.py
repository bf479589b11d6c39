"""Small XLSX files that unpack into huge content ("spreadsheet bombs"), built in memory.

Each part is streamed into the zip, so a file of a few hundred kilobytes can say it holds
millions of shared strings, cell formats or cells without the test ever holding them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}styles+xml"/>'
    '</Types>')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{_REL}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/>'
    '</Relationships>')
STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}>'
          '<cellXfs count="1"><xf/></cellXfs></styleSheet>')


def repeated(head: str, unit: str, count: int, tail: str) -> Iterable[bytes]:
    """``head``, ``unit`` ``count`` times, ``tail``, as chunks."""
    yield head.encode()
    block = (unit * 10_000).encode()
    for _ in range(count // 10_000):
        yield block
    yield (unit * (count % 10_000)).encode()
    yield tail.encode()


def shared_strings(count: int, text: str = "a") -> Iterable[bytes]:
    """A shared-strings table of ``count`` entries (the first two are the header's)."""
    return repeated(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'
                    '<si><t>日期</t></si><si><t>活跃人数</t></si>',
                    f"<si><t>{text}</t></si>", count, "</sst>")


def sheet(rows: Iterable[str] = ('<row r="2"><c r="A2"><v>45000</v></c>'
                                 '<c r="B2"><v>12</v></c></row>',)) -> Iterable[bytes]:
    """The first worksheet: a header row of two shared strings, then ``rows``."""
    yield (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
           '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>').encode()
    for row in rows:
        yield row.encode()
    yield b"</sheetData></worksheet>"


def one_row_of_cells(count: int) -> Iterable[bytes]:
    """A worksheet whose second row repeats the same cell ``count`` times (one row, one
    column once parsed, but ``count`` cells to parse)."""
    return repeated(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
                    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                    '<row r="2">', '<c r="A2"><v>1</v></c>', count,
                    "</row></sheetData></worksheet>")


def cell_formats(count: int) -> Iterable[bytes]:
    """A style sheet with ``count`` cell formats."""
    return repeated(f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}>'
                    f'<cellXfs count="{count}">', '<xf numFmtId="0"/>', count,
                    "</cellXfs></styleSheet>")


def xlsx(parts: dict[str, str | Iterable[bytes]] | None = None) -> bytes:
    """A minimal XLSX file (two header cells and one data row); ``parts`` replaces parts by
    name (``{"xl/sharedStrings.xml": shared_strings(11_000_000)}``)."""
    files: dict[str, str | Iterable[bytes]] = {
        "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES, "xl/worksheets/sheet1.xml": sheet(),
        "xl/sharedStrings.xml": shared_strings(0)}
    files.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in files.items():
            with archive.open(name, "w", force_zip64=True) as part:
                if isinstance(content, str):
                    part.write(content.encode())
                else:
                    for chunk in content:
                        part.write(chunk)
    return out.getvalue()
