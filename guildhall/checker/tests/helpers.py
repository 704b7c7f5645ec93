"""Build small test documents (docx, xlsx, pdf, zip bombs) on the fly."""

from __future__ import annotations

import zipfile
from pathlib import Path


def make_pdf(path: Path, lines: list[str] | None) -> Path:
    """Write a minimal valid PDF; with ``lines`` None the page has no text layer."""
    if lines is None:
        content = b"0 0 1 rg 10 10 100 100 re f"
    else:
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path) -> Path:
    """Write a .docx with a marking, a table, a header and a footer."""
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "页眉 联系邮箱 office@example.com"
    d.sections[0].footer.paragraphs[0].text = "严禁外传"
    d.add_paragraph("内 部")
    d.add_paragraph("关于会员信息的说明。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "手机"
    table.cell(1, 0).text = "张三"
    table.cell(1, 1).text = "13812345678"
    d.add_paragraph("身份证号11010519491231002X。")
    d.save(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    """Write a .xlsx with an ID number in Sheet1!B2 and a number-typed phone."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"], ws["B1"] = "姓名", "证件"
    ws["A2"], ws["B2"] = "张三", "11010519491231002X"
    ws["C3"] = 13812345678
    wb.save(str(path))
    return path


def make_zip_bomb(path: Path, size_mb: int = 300) -> Path:
    """Write a docx-looking zip whose document.xml inflates to ``size_mb`` MB."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(size_mb):
                fh.write(chunk)
    return path
