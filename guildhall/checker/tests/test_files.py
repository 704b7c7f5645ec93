"""scan_file / extract_text on each format and on unreadable files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from guildhall.checker import (
    BinaryFileError,
    CheckerError,
    ConverterMissingError,
    DamagedFileError,
    EncryptedFileError,
    FileTooLargeError,
    NoTextLayerError,
    OcrUnavailableError,
    UnsupportedFormatError,
    ZipBombError,
    extract_text,
    scan_file,
)
from guildhall.checker.extract import ocr_available

from .helpers import (
    CJK_FONT,
    make_docx,
    make_docx_parts,
    make_pdf,
    make_phone_photo,
    make_pptx,
    make_xlsx,
    make_zip_bomb,
    soffice_convert,
)

TEXT = "第一行\n张三 手机13812345678，身份证号11010519491231002X\n邮箱 a.b@example.com\n"


def _check_offsets(path: Path) -> None:
    text = extract_text(path).text
    for f in scan_file(path):
        assert text[f.start : f.end] == f.value


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_text_encodings(tmp_path: Path, encoding: str, engine: str) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(TEXT.encode(encoding))
    found = scan_file(p, engine=engine)
    assert [(f.type, f.location) for f in found] == [
        ("CN_MOBILE", "line 2"),
        ("CN_RESIDENT_ID", "line 2"),
        ("EMAIL", "line 3"),
    ]
    _check_offsets(p)


def test_markdown_and_large_streamed_text(tmp_path: Path) -> None:
    p = tmp_path / "big.md"
    block = "# 标题\n" + "正文内容。" * 2000 + "\n手机13812345678\n"
    p.write_text(block * 600, encoding="utf-8")  # ~18 MB, several chunks
    found = scan_file(p)
    assert len(found) == 600
    assert found[1].location == "line 6"
    text = extract_text(p, max_bytes=None).text
    assert all(text[f.start : f.end] == f.value for f in found)


def test_html_visible_text_only(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_text(
        "<html><head><title>机密</title><style>.x{}</style>"
        "<script>var a='13900001111';</script></head>"
        "<body><p>内部资料</p><div>电话 13812345678 &amp; 邮箱 x@example.com</div></body></html>",
        encoding="utf-8",
    )
    found = scan_file(p)
    assert [f.value for f in found] == ["机密", "内部资料", "13812345678", "x@example.com"]
    _check_offsets(p)


def test_docx(tmp_path: Path, engine: str) -> None:
    p = make_docx(tmp_path / "a.docx")
    found = scan_file(p, engine=engine)
    got = {(f.type, f.value, f.location) for f in found}
    assert ("EMAIL", "office@example.com", "header 1") in got
    assert ("CONFIDENTIAL_MARKING", "内 部", "paragraph 1") in got
    assert ("CN_MOBILE", "13812345678", "table 1 row 2 cell 2") in got
    assert ("CN_RESIDENT_ID", "11010519491231002X", "paragraph 3") in got
    assert ("CONFIDENTIAL_MARKING", "严禁外传", "footer 1") in got
    _check_offsets(p)


def test_xlsx(tmp_path: Path) -> None:
    p = make_xlsx(tmp_path / "a.xlsx")
    found = scan_file(p)
    assert [(f.type, f.location) for f in found] == [
        ("CN_RESIDENT_ID", "Sheet1!B2"),
        ("CN_MOBILE", "Sheet1!C3"),
    ]
    _check_offsets(p)


def test_pdf_with_text_layer(tmp_path: Path) -> None:
    p = make_pdf(tmp_path / "a.pdf", ["Contact: jane.doe@example.com", "Phone 138-1234-5678"])
    found = scan_file(p)
    assert [(f.type, f.value, f.location) for f in found] == [
        ("EMAIL", "jane.doe@example.com", "page 1"),
        ("CN_MOBILE", "138-1234-5678", "page 1"),
    ]
    _check_offsets(p)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    p = make_pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(NoTextLayerError) as err:
        scan_file(p)
    assert err.value.code == "no_text_layer" and "text layer" in str(err.value)


def test_damaged_zip(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx").read_bytes()
    p = tmp_path / "broken.docx"
    p.write_bytes(good[: len(good) // 2])
    with pytest.raises(DamagedFileError) as err:
        scan_file(p)
    assert err.value.code == "damaged"


def test_garbage_docx_and_pdf(tmp_path: Path) -> None:
    for name in ("garbage.docx", "garbage.xlsx", "garbage.pdf"):
        p = tmp_path / name
        p.write_bytes(bytes(range(256)) * 40)
        with pytest.raises(CheckerError) as err:
            scan_file(p)
        assert err.value.code == "damaged"


def test_encrypted_office_file(tmp_path: Path) -> None:
    # Encrypted OOXML is an OLE compound file holding an "EncryptedPackage" stream.
    p = tmp_path / "secret.docx"
    p.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(EncryptedFileError) as err:
        scan_file(p)
    assert err.value.code == "encrypted"


def test_zip_with_encrypted_member(tmp_path: Path) -> None:
    p = tmp_path / "enc.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.xml", "<x/>")
    data = bytearray(p.read_bytes())
    # Set the "encrypted" flag bit in the local and central headers.
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        i = data.find(sig)
        off = i + (6 if sig == b"PK\x03\x04" else 8)
        data[off] |= 1
    p.write_bytes(bytes(data))
    with pytest.raises(EncryptedFileError):
        scan_file(p)


def test_zip_bomb(tmp_path: Path) -> None:
    p = make_zip_bomb(tmp_path / "bomb.docx", size_mb=300)
    assert p.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(ZipBombError) as err:
        scan_file(p)
    assert err.value.code == "zip_bomb"


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    p = make_zip_bomb(tmp_path / "bomb.xlsx", size_mb=40)
    with pytest.raises(ZipBombError):
        scan_file(p)


def test_binary_with_txt_extension(tmp_path: Path) -> None:
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10)
    with pytest.raises(BinaryFileError) as err:
        scan_file(p)
    assert err.value.code == "binary"


def test_too_large_and_unsupported(tmp_path: Path) -> None:
    p = make_docx(tmp_path / "a.docx")
    with pytest.raises(FileTooLargeError) as err:
        scan_file(p, max_bytes=1000)
    assert err.value.code == "too_large"
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(UnsupportedFormatError) as err2:
        scan_file(legacy)
    assert err2.value.code == "unsupported"


def test_timeout(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(TEXT * 10, encoding="utf-8")
    with pytest.raises(CheckerError) as err:
        scan_file(p, time_budget=1e-9)
    assert err.value.code == "timeout"


# --- The parts of office files people forget ------------------------------------

ID = "11010519491231002X"


def _found(path: Path) -> list[tuple[str, str | None]]:
    _check_offsets(path)
    return [(f.type, f.location) for f in scan_file(path)]


def test_docx_id_only_in_deleted_tracked_change(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>会员名单如下。</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>张三，身份证号</w:t></w:r>"
        f'<w:del w:id="1" w:author="李四"><w:r><w:delText>{ID}</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="李四"><w:r><w:t>（已删除）</w:t></w:r></w:ins></w:p>'
    )
    p = make_docx_parts(tmp_path / "tracked.docx", body)
    assert _found(p) == [("CN_RESIDENT_ID", "deleted text, paragraph 2")]
    text = extract_text(p)
    assert text.location_at(text.text.index("（已删除）")) == "inserted text, paragraph 2"


def test_docx_inserted_text_is_located_as_inserted(tmp_path: Path) -> None:
    body = ('<w:p><w:r><w:t>手机</w:t></w:r><w:ins w:id="1" w:author="x"><w:r>'
            "<w:t>13812345678</w:t></w:r></w:ins></w:p>")
    p = make_docx_parts(tmp_path / "ins.docx", body)
    assert _found(p) == [("CN_MOBILE", "inserted text, paragraph 1")]


def test_docx_id_only_in_a_comment(tmp_path: Path) -> None:
    body = "<w:p><w:r><w:t>正文没有个人信息。</w:t></w:r></w:p>"
    comments = "".join(
        f'<w:comment w:id="{i}" w:author="审核人"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:comment>'
        for i, text in enumerate(("请核对。", "格式已改。", f"证件号{ID}请删去"))
    )
    p = make_docx_parts(tmp_path / "comments.docx", body, comments=comments)
    assert _found(p) == [("CN_RESIDENT_ID", "comment 3")]


def test_phone_in_document_properties(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("关于年度工作的通知。")
    d.core_properties.author = "王芳 13812345678"
    d.core_properties.last_modified_by = "fang.wang@example.com"
    p = tmp_path / "props.docx"
    d.save(str(p))
    assert _found(p) == [("CN_MOBILE", "properties: author"),
                         ("EMAIL", "properties: last modified by")]


def test_company_in_app_properties(tmp_path: Path) -> None:
    p = make_docx_parts(tmp_path / "app.docx", "<w:p><w:r><w:t>正文</w:t></w:r></w:p>")
    with zipfile.ZipFile(p, "a") as zf:
        zf.writestr(
            "docProps/app.xml",
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Company>星火计划办公室</Company></Properties>',
        )
    found = scan_file(p, terms=["星火计划"])
    assert [(f.type, f.location) for f in found] == [("CUSTOM_TERM", "properties: company")]


def test_xlsx_hidden_sheet_row_and_column(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"] = "姓名"
    ws["B5"] = ID
    ws.row_dimensions[5].hidden = True
    ws["D2"] = "13812345678"
    ws.column_dimensions["D"].hidden = True
    hidden = wb.create_sheet("备用")
    hidden["A1"] = "a.b@example.com"
    hidden.sheet_state = "hidden"
    wb.properties.creator = "王芳 13912345678"
    p = tmp_path / "hidden.xlsx"
    wb.save(str(p))
    assert _found(p) == [
        ("CN_MOBILE", "名单!D2 (hidden column)"),
        ("CN_RESIDENT_ID", "名单!B5 (hidden row)"),
        ("EMAIL", "备用!A1 (hidden sheet)"),
        ("CN_MOBILE", "properties: author"),
    ]


def test_pptx_slides_and_notes(tmp_path: Path) -> None:
    p = make_pptx(
        tmp_path / "deck.pptx",
        [["年度工作汇报"], ["联系人：王芳", "手机 13812345678"], ["谢谢"]],
        {3: [f"讲者备注：身份证号{ID}"]},
    )
    assert _found(p) == [("CN_MOBILE", "slide 2"), ("CN_RESIDENT_ID", "notes, slide 3")]


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; `make office` installs it",
)


@needs_libreoffice
def test_wps_file_via_libreoffice(tmp_path: Path) -> None:
    # A WPS 文字 .wps file is a Word 97-2003 binary document: make one from a .docx.
    wps = soffice_convert(make_docx(tmp_path / "a.docx"), "doc", tmp_path / "通知.wps")
    assert wps.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    found = [(f.type, f.value, f.location) for f in scan_file(wps)]
    assert ("CN_RESIDENT_ID", ID, "paragraph 3") in found
    assert ("CN_MOBILE", "13812345678", "table 1 row 2 cell 2") in found
    assert extract_text(wps).fmt == "wps"


@needs_libreoffice
def test_legacy_xls_via_libreoffice(tmp_path: Path) -> None:
    xls = soffice_convert(make_xlsx(tmp_path / "a.xlsx"), "xls", tmp_path / "名单.xls")
    found = [(f.type, f.location) for f in scan_file(xls)]
    assert ("CN_RESIDENT_ID", "Sheet1!B2") in found


def test_legacy_file_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("guildhall.checker.extract._soffice", lambda: None)
    legacy = tmp_path / "old.wps"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ConverterMissingError) as err:
        scan_file(legacy)
    assert err.value.code == "converter_missing"
    assert "LibreOffice" in err.value.message


# --- Text in images -------------------------------------------------------------

needs_ocr = pytest.mark.skipif(
    not ocr_available() or shutil.which("pdftoppm") is None or not Path(CJK_FONT).exists(),
    reason="Tesseract (chi_sim), pdftoppm or the CJK font is missing; `make office browser` installs them",
)
ID_CARD = ["姓名 张三", "性别 男  民族 汉", "出生 1949年12月31日", "住址 北京市朝阳区建国路88号",
           f"公民身份号码 {ID}"]


@needs_ocr
def test_phone_photo_of_an_id_card(tmp_path: Path) -> None:
    p = make_phone_photo(tmp_path / "IMG_2024.jpg", ID_CARD)
    found = [(f.type, f.value, f.location) for f in scan_file(p)]
    assert found == [("CN_RESIDENT_ID", ID, "image (OCR)")]


@needs_ocr
def test_scanned_pdf_page_is_read_with_ocr(tmp_path: Path) -> None:
    from PIL import Image

    photo = make_phone_photo(tmp_path / "scan.png", ["联系人 王芳", "手机 13812345678"], angle=0.8)
    pdf = tmp_path / "scan.pdf"
    Image.open(photo).convert("RGB").save(pdf)
    found = [(f.type, f.value, f.location) for f in scan_file(pdf)]
    assert found == [("CN_MOBILE", "13812345678", "page 1 (OCR)")]


def test_images_not_read_without_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("guildhall.checker.extract._tesseract", lambda: None)
    p = tmp_path / "photo.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(OcrUnavailableError) as err:
        scan_file(p)
    assert err.value.code == "ocr_unavailable"
    assert "not read" in err.value.message
    scanned = make_pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(NoTextLayerError) as err2:
        scan_file(scanned)
    assert "not installed" in err2.value.message
