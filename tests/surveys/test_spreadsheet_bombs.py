"""Spreadsheet bombs: small XLSX files that unpack into millions of shared strings, formats or
cells are refused, quickly and in little memory, with the limit they broke (issue 15, item 2)."""

import time

import pytest

from surveys import xlsx_guard
from surveys.spreadsheet import Limits, SheetError, read_sheet
from tests.xlsx_bombs import cell_formats, one_row_of_cells, shared_strings, sheet, xlsx


def refused(data: bytes, limits: Limits | None = None) -> tuple[SheetError, float]:
    started = time.monotonic()
    with pytest.raises(SheetError) as exc:
        read_sheet(data, "bomb.xlsx", limits)
    return exc.value, time.monotonic() - started


def test_eleven_million_shared_strings_in_under_half_a_megabyte_are_refused_at_once():
    data = xlsx({"xl/sharedStrings.xml": shared_strings(11_000_000)})
    assert len(data) < 500 * 1024
    error, seconds = refused(data)
    assert error.code == "too_many_shared_strings"
    assert error.params["max"] == Limits().max_shared_strings
    assert seconds < 5  # it held a web thread for 10.7 minutes before


def test_shared_strings_up_to_the_limit_are_read():
    data = xlsx({"xl/sharedStrings.xml": shared_strings(998),
                 "xl/worksheets/sheet1.xml": sheet(
                     ['<row r="2"><c r="A2" t="s"><v>999</v></c><c r="B2"><v>3</v></c></row>'])})
    assert read_sheet(data, "a.xlsx", Limits(max_shared_strings=1000)).rows == (("a", 3),)
    assert refused(data, Limits(max_shared_strings=999))[0].code == "too_many_shared_strings"


def test_a_style_sheet_of_a_million_cell_formats_is_refused():
    error, seconds = refused(xlsx({"xl/styles.xml": cell_formats(1_000_000)}))
    assert error.code == "part_too_complex" and error.params["part"] == "xl/styles.xml"
    assert seconds < 5


def test_a_row_repeating_one_cell_a_million_times_is_refused_before_it_is_parsed():
    # Parsed, this is one row of one column, so the row and column limits never see it.
    error, seconds = refused(xlsx({"xl/worksheets/sheet1.xml": one_row_of_cells(1_500_000)}))
    assert error.code == "too_many_cells" and error.params["max"] == Limits().max_cells
    assert seconds < 5


def test_cells_are_counted_across_every_sheet_with_exact_limits():
    data = xlsx({"xl/worksheets/sheet1.xml": one_row_of_cells(96)})  # 2 header cells + 96
    assert read_sheet(data, "a.xlsx", Limits(max_cells=98)).rows == ((1, None),)
    assert refused(data, Limits(max_cells=97))[0].code == "too_many_cells"


def test_counting_is_exact_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(xlsx_guard, "_CHUNK", 7)  # tags cut in two at every chunk
    data = xlsx({"xl/sharedStrings.xml": shared_strings(1000, "数据")})
    headers = read_sheet(data, "a.xlsx", Limits(max_shared_strings=1002)).headers
    assert headers == ("日期", "活跃人数")
    assert refused(data, Limits(max_shared_strings=1001))[0].code == "too_many_shared_strings"


def test_a_row_far_down_the_sheet_stops_at_the_row_limit():
    data = xlsx({"xl/worksheets/sheet1.xml": sheet(
        ['<row r="1048576"><c r="A1048576"><v>1</v></c></row>'])})
    assert refused(data, Limits(max_rows=5000))[0].code == "too_many_rows"


def test_the_read_stops_at_its_time_limit():
    rows = [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 3000)]
    error, _seconds = refused(xlsx({"xl/worksheets/sheet1.xml": sheet(rows)}),
                              Limits(max_seconds=0))
    assert error.code == "too_slow"


def test_the_unpacked_size_is_bounded_with_its_own_code():
    error, _seconds = refused(xlsx({"xl/sharedStrings.xml": shared_strings(100_000, "x" * 50)}),
                              Limits(max_uncompressed_bytes=1024 * 1024))
    assert error.code == "too_large_unpacked" and error.params["size"] > 1024 * 1024


def test_a_wide_csv_is_bounded_by_its_cells():
    data = ("a,b\n" + "1,2\n" * 100).encode()
    assert len(read_sheet(data, "a.csv", Limits(max_cells=202)).rows) == 100
    with pytest.raises(SheetError) as exc:
        read_sheet(data, "a.csv", Limits(max_cells=201))
    assert exc.value.code == "too_many_cells"
