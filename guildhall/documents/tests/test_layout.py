"""The .docx layout (GB/T 9704-2012) read back from the XML, and its PDF from LibreOffice."""

import datetime as dt
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from guildhall.documents import pdf
from guildhall.documents.numbers import chinese_number, document_date, document_number
from guildhall.documents.writer import OfficialDocument

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def sample(paragraphs: int = 60) -> bytes:
    doc = OfficialDocument(title="测试报告", author="省软件行业协会", note=pdf.stand_in_note())
    doc.number_line(document_number(2026, 5), "王建国")
    doc.title("省软件行业协会关于2026年度工作情况的报告")
    doc.addressee("省社会组织综合委员会")
    for level in (1, 2, 3, 4, 1, 2):
        doc.heading(level, "标题")
    doc.table("指标", ["指标", "数值"], [["报备活动", "5"], ["已通过", "3"]])
    for _ in range(paragraphs):
        doc.text("正文段落用于测试分页和页码，" * 4)
    doc.signature("省软件行业协会", dt.date(2026, 12, 1))
    doc.appendix("记录清单")
    doc.heading(3, "报备活动（5）")
    doc.imprint(issuer="省软件行业协会", day=dt.date(2026, 12, 1), copy_to="省民政厅")
    return doc.bytes()


def part(docx: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return etree.fromstring(z.read(name))


def texts(root) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def test_numbers_and_dates_are_written_the_official_way():
    assert document_number(2026, 5) == "〔2026〕5号"
    assert document_date(dt.date(2026, 12, 1)) == "2026年12月1日"
    assert [chinese_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_page_size_margins_and_grid():
    body = part(sample(), "word/document.xml")
    sect = body.find(".//w:body/w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    assert {k: margins.get(f"{W}{k}") for k in ("top", "bottom", "left", "right")} == {
        "top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}
    grid = sect.find("w:docGrid", NS)
    assert grid.get(f"{W}linePitch") == "579"
    # 22 lines in the 225 mm (12756 twips) type area.
    assert (16838 - 2098 - 1984) // 579 == 22


def test_every_run_names_its_east_asian_font():
    docx = sample()
    names = ["word/document.xml", "word/footer1.xml", "word/footer2.xml"]
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        names = [n for n in z.namelist() if n.startswith(("word/document", "word/footer", "word/header"))]
    runs = 0
    for name in names:
        for run in part(docx, name).iter(f"{W}r"):
            fonts = run.find("w:rPr/w:rFonts", NS)
            assert fonts is not None and fonts.get(f"{W}eastAsia"), (name, etree.tostring(run)[:200])
            runs += 1
    assert runs > 50
    table = part(docx, "word/fontTable.xml")
    alts = {f.get(f"{W}name"): f.find("w:altName", NS).get(f"{W}val")
            for f in table.findall("w:font", NS) if f.find("w:altName", NS) is not None}
    assert alts["仿宋_GB2312"] == "仿宋" and alts["方正小标宋简体"] == "宋体"


def test_title_body_and_headings():
    body = part(sample(), "word/document.xml")
    paragraphs = list(body.iter(f"{W}p"))
    by_text = {"".join(t.text or "" for t in p.iter(f"{W}t")): p for p in paragraphs}
    title = by_text["省软件行业协会关于2026年度工作情况的报告"]
    assert title.find(".//w:rFonts", NS).get(f"{W}eastAsia") == "方正小标宋简体"
    assert title.find(".//w:sz", NS).get(f"{W}val") == "44"  # 2号 = 22 pt
    shown = texts(body)
    assert [t for t in shown if t.endswith("标题")][:6] == [
        "一、标题", "（一）标题", "1.标题", "（1）标题", "二、标题", "（一）标题"]
    faces = {t: p.find(".//w:rFonts", NS).get(f"{W}eastAsia") for t, p in by_text.items()
             if t in ("一、标题", "（一）标题", "1.标题", "（1）标题")}
    assert faces == {"一、标题": "黑体", "（一）标题": "楷体_GB2312", "1.标题": "仿宋_GB2312",
                     "（1）标题": "仿宋_GB2312"}
    body_run = by_text[next(t for t in shown if t.startswith("正文段落"))].find(".//w:r", NS)
    assert body_run.find("w:rPr/w:sz", NS).get(f"{W}val") == "32"  # 3号 = 16 pt
    assert "〔2026〕5号" in "".join(shown) and "2026年12月1日" in shown
    assert "附件" in shown and any(t.startswith("抄送：") for t in shown)


def test_page_numbers_in_odd_and_even_footers():
    docx = sample()
    settings = part(docx, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    body = part(docx, "word/document.xml")
    rels = part(docx, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    footers = {ref.get(f"{W}type"): targets[ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
               for ref in body.findall(".//w:sectPr/w:footerReference", NS)}
    for kind, align in (("default", "right"), ("even", "left")):
        footer = part(docx, f"word/{footers[kind]}")
        assert footer.find(".//w:jc", NS).get(f"{W}val") == align
        assert "PAGE" in "".join(t.text for t in footer.iter(f"{W}instrText"))
        assert "".join(texts(footer)).startswith("— ") and "".join(texts(footer)).endswith(" —")
        assert footer.find(".//w:rFonts", NS).get(f"{W}eastAsia") == "宋体"
        assert footer.find(".//w:sz", NS).get(f"{W}val") == "28"  # 4号 = 14 pt


@pytest.mark.skipif(not pdf.soffice_path(), reason="LibreOffice is installed by make office")
def test_libreoffice_converts_it_with_the_page_count_it_reports():
    converted = pdf.convert(sample())
    assert converted.pdf.startswith(b"%PDF")
    assert converted.pages == converted.declared_pages >= 3
    if shutil.which("pdfinfo"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "r.pdf"
            path.write_bytes(converted.pdf)
            info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        import re

        assert re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1) == str(converted.pages)
        assert "Noto Serif CJK SC" in info  # the note on the stand-in fonts (Subject)
    # The official fonts were rendered by their free stand-ins.
    assert any("NotoSerifCJK" in f for f in converted.fonts)
    assert any("UKai" in f for f in converted.fonts)


def test_a_missing_converter_is_a_clear_error():
    with pytest.raises(pdf.ConversionError) as caught:
        pdf.convert(sample(2), soffice="/nonexistent/soffice")
    assert caught.value.code == "missing"


@pytest.mark.skipif(not shutil.which("false"), reason="needs /bin/false")
def test_a_failing_converter_is_a_clear_error():
    with pytest.raises(pdf.ConversionError) as caught:
        pdf.convert(sample(2), soffice="false")
    assert caught.value.code == "failed"
