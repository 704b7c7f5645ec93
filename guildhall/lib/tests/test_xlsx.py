"""The streamed .xlsx, read back with openpyxl (no Django needed)."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from guildhall.lib import xlsx
from guildhall.lib.uploads import check


def read(chunks) -> list[tuple]:
    data = b"".join(chunks)
    book = load_workbook(io.BytesIO(data))
    return book, list(book.active.iter_rows(values_only=True))


def test_it_reads_back_with_the_same_header_values_and_kinds():
    rows = [["协会 &<甲>\"", "91330100MA2ABCDE1X", 3, 1.5, Decimal("2.5"), None, True, False, 0, -2],
            ["", " 前后空格 ", 10**12, 0.25, Decimal("0"), "=SUM(1)", "a\x01b", "x\ny", "", None]]
    book, lines = read(xlsx.stream("协会", ["名称", "代码", *"abcdefgh"], rows))
    assert book.sheetnames == ["协会"]
    assert lines[0] == ("名称", "代码", *"abcdefgh")
    assert lines[1] == ("协会 &<甲>\"", "91330100MA2ABCDE1X", 3, 1.5, 2.5, None, True, False, 0, -2)
    # Empty texts are empty cells; a text is never a formula; XML's forbidden characters go.
    assert lines[2] == (None, " 前后空格 ", 10**12, 0.25, 0, "=SUM(1)", "ab", "x\ny", None, None)
    assert book.active["F3"].data_type == "s"
    assert isinstance(lines[1][2], int) and isinstance(lines[1][3], float)


def test_many_rows_come_in_several_chunks_and_stay_in_order():
    rows = ([f"协会{i}", i, i / 4] for i in range(2500))
    chunks = list(xlsx.stream("A", ["名称", "n", "q"], rows))
    assert len(chunks) > 5
    _book, lines = read(chunks)
    assert len(lines) == 2501
    assert lines[1] == ("协会0", 0, 0.0) and lines[-1] == ("协会2499", 2499, 624.75)


def test_it_is_an_office_file_the_upload_check_accepts():
    data = b"".join(xlsx.stream("A", ["a"], [["b"]]))
    assert check(io.BytesIO(data), "a.xlsx", len(data), kinds={"xlsx"}, max_size=10**6) == "xlsx"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert "xl/styles.xml" in archive.namelist()


def test_a_sheet_name_excel_refuses_is_made_acceptable():
    book, _lines = read(xlsx.stream("a/b:c[d]*?" + "x" * 40, ["a"], []))
    assert book.sheetnames[0] == "a b c d   " + "x" * 21
    book, _lines = read(xlsx.stream("[]", ["a"], []))
    assert book.sheetnames == ["Sheet1"]


def test_a_value_of_another_kind_is_refused():
    with pytest.raises(TypeError):
        b"".join(xlsx.stream("A", ["a"], [[object()]]))


def test_rows_written_by_shape_are_the_rows_written_cell_by_cell():
    # Rows of several shapes, empty texts among them, each shape seen twice; then rows with a
    # text to escape, or whose spaces a spreadsheet would drop: those are written cell by
    # cell, their spaces kept.
    plain = [["协会", 1, None, True, 2.5, Decimal("1.10"), ""], ["甲", 2, None, False, 1e20, Decimal("3"), "乙"],
             ["", 1, None, True, -0.5, Decimal("-1"), "x"], [], [None], [""], ["a b", 1, None, True, 2.5, Decimal("1"), "c"]]
    careful = [["a&b", None, 3, False, 0.0, Decimal("0"), "x"], ["", 1, None, True, 2.5, Decimal("-1"), "<"],
               ["\x02", None, 3, True, -0.5, Decimal("2"), ""], ['"', 'q"'], [" a", 1], ["a ", 1],
               ["a\tb", 1], ["a\nb", 1], ["a  b", 1], ["a\x00b", 1], ["a", 1, "\r"]]
    preserve = ' xml:space="preserve"'
    written = list(xlsx._rows_xml(plain + careful, xlsx._Shapes()))
    assert written[:len(plain)] == [xlsx._row(r).replace(preserve, "") for r in plain]
    assert written[len(plain):] == [xlsx._row(r) for r in careful]


def test_a_rows_cells_kept_in_parts_are_the_row_streamed():
    rows = [["协会", 1, None, True, 2.5, Decimal("1.10"), "", "2026-12-02", "是"],
            ["a&b", 2, "", False, -1.0, Decimal("0"), " x", "", "否"], [], [None, ""]]
    lines = []
    for values in rows:
        cut = len(values) // 2
        lines.append("<row>" + xlsx.cells(values[:cut]) + xlsx.cells(values[cut:]) + "</row>")
        preserve = ' xml:space="preserve"'
        assert xlsx.cells(values).replace(preserve, "") == xlsx._row(values)[5:-6].replace(preserve, "")
    _book, kept = read(xlsx.stream_lines("A", ["h"], lines))
    _book, streamed = read(xlsx.stream("A", ["h"], rows))
    assert kept == streamed
    assert kept[1] == ("协会", 1, None, True, 2.5, 1.1, None, "2026-12-02", "是")
