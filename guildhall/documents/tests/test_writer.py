"""The writer's text: whatever a record's title holds, the .docx stays valid and says it."""

import io
import zipfile

from docx import Document
from lxml import etree

from guildhall.documents.writer import Cell, OfficialDocument

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def written(text: str) -> tuple[Document, etree._Element]:
    doc = OfficialDocument(title="t")
    doc.text(text)
    doc.table("表", ["甲", "乙"], [[text, Cell(text, "https://example.org")]], widths=[1, 2])
    data = doc.bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return Document(io.BytesIO(data)), root


def test_markup_tabs_and_breaks_are_text_not_xml():
    read, root = written('<b>甲&乙</b> "引号"\t制表')
    assert read.paragraphs[0].text == '<b>甲&乙</b> "引号"\t制表'
    cells = read.tables[0].rows[1].cells
    assert [c.text for c in cells] == ['<b>甲&乙</b> "引号"\t制表'] * 2
    assert root.find(f".//{W}b") is None  # no bold run sneaked in from the text


def test_a_line_break_in_a_cell_and_characters_xml_cannot_hold():
    read, _root = written("第一行\n第二行\x01\x0b ")
    assert read.tables[0].rows[1].cells[0].text == "第一行\n第二行 "


def test_every_column_of_the_grid_has_its_width():
    _read, root = written("x")
    grid = [int(c.get(f"{W}w")) for c in root.iter(f"{W}gridCol")]
    cells = [int(c.get(f"{W}w")) for c in root.find(f".//{W}tr").iter(f"{W}tcW")]
    assert grid == cells == [2948, 5896]
