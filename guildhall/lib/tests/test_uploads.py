"""Checking an upload's content against its name (no Django needed)."""

import hashlib
import io
import zipfile

import pytest

from guildhall.lib.uploads import RefusedUpload, check, sha256, sniff

ALL = {"pdf", "docx", "xlsx", "pptx", "png", "jpeg", "txt"}


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


def refusal(name: str, data: bytes, kinds=ALL, max_size: int = 1024) -> str:
    with pytest.raises(RefusedUpload) as caught:
        check(io.BytesIO(data), name, len(data), kinds=kinds, max_size=max_size)
    return caught.value.code


def test_it_returns_the_kind_the_name_and_content_agree_on():
    assert check(io.BytesIO(b"%PDF-1.7 ..."), "a.PDF", 12, kinds=ALL, max_size=1024) == "pdf"
    assert check(io.BytesIO(office("word/")), "a.docx", 9, kinds=ALL, max_size=1024) == "docx"
    assert check(io.BytesIO("会议".encode()), "a.txt", 6, kinds=ALL, max_size=1024) == "txt"


def test_it_refuses_a_kind_the_caller_does_not_accept():
    assert refusal("slides.pptx", office("ppt/"), kinds=ALL - {"pptx"}) == "file_type"
    assert refusal("run.exe", b"MZ\x90\x00") == "file_type"


def test_it_refuses_by_size_before_reading_the_content():
    assert refusal("big.txt", b"a" * 2048) == "file_too_large"
    assert refusal("empty.pdf", b"") == "file_empty"


def test_it_refuses_content_that_is_not_what_the_name_says():
    assert refusal("report.pdf", b"<html></html>") == "file_content"
    assert refusal("notes.txt", b"\x00\x01\x02\xff") == "file_content"
    assert refusal("table.xlsx", office("word/")) == "file_content"


def test_the_content_decides_the_kind_whatever_the_name():
    assert sniff(io.BytesIO(office("xl/"))) == "xlsx"
    assert sniff(io.BytesIO(b"%PDF-1.7 looks like text")) == "pdf"
    assert sniff(io.BytesIO(b"PK\x03\x04 not a zip at all")) == "txt"
    assert sniff(io.BytesIO(b"\xff\xfe\x00")) is None


def test_the_digest_is_sha256_over_all_chunks():
    assert sha256([b"ab", b"c"]) == hashlib.sha256(b"abc").hexdigest()
