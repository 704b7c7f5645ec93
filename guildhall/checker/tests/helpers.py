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


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def make_docx_parts(path: Path, body: str, *, comments: str | None = None) -> Path:
    """Write a minimal .docx from raw WordprocessingML body (and comments) XML."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f"<w:document {_W_NS}><w:body>{body}</w:body></w:document>")
        if comments is not None:
            zf.writestr("word/comments.xml", f"<w:comments {_W_NS}>{comments}</w:comments>")
    return path


_P_NS = (
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _slide_xml(root: str, lines: list[str]) -> str:
    paras = "".join(f"<a:p><a:r><a:t>{line}</a:t></a:r></a:p>" for line in lines)
    return (f"<p:{root} {_P_NS}><p:cSld><p:spTree><p:sp><p:txBody>{paras}"
            f"</p:txBody></p:sp></p:spTree></p:cSld></p:{root}>")


def make_pptx(path: Path, slides: list[list[str]], notes: dict[int, list[str]]) -> Path:
    """Write a minimal .pptx: ``slides`` in order, ``notes`` by 1-based slide number.

    Slide parts are numbered in reverse so that the reading order must come
    from presentation.xml, as in real files whose slides were reordered.
    """
    n = len(slides)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        ids = "".join(f'<p:sldId id="{256 + i}" r:id="rId{i + 1}"/>' for i in range(n))
        zf.writestr("ppt/presentation.xml",
                    f"<p:presentation {_P_NS}><p:sldIdLst>{ids}</p:sldIdLst></p:presentation>")
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{_REL_T}slide" Target="slides/slide{n - i}.xml"/>'
            for i in range(n)
        )
        zf.writestr("ppt/_rels/presentation.xml.rels", f'<Relationships xmlns="{_RELS}">{rels}</Relationships>')
        for i, lines in enumerate(slides):
            part = n - i
            zf.writestr(f"ppt/slides/slide{part}.xml", _slide_xml("sld", lines))
            if i + 1 in notes:
                zf.writestr(f"ppt/notesSlides/notesSlide{i + 1}.xml", _slide_xml("notes", notes[i + 1]))
                zf.writestr(
                    f"ppt/slides/_rels/slide{part}.xml.rels",
                    f'<Relationships xmlns="{_RELS}"><Relationship Id="rId2" '
                    f'Type="{_REL_T}notesSlide" Target="../notesSlides/notesSlide{i + 1}.xml"/>'
                    "</Relationships>",
                )
    return path


def soffice_convert(src: Path, target_ext: str, dest: Path) -> Path:
    """Convert ``src`` with LibreOffice to ``target_ext`` (e.g. "doc") and save it as ``dest``."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed for this helper"
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless",
             "--convert-to", target_ext, "--outdir", work, str(src)],
            check=True, capture_output=True, timeout=120,
        )
        shutil.move(f"{work}/{src.stem}.{target_ext}", dest)
    return dest


CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def make_phone_photo(path: Path, lines: list[str], *, seed: int = 3, angle: float = 2.5,
                     blur: float = 1.2) -> Path:
    """Render text like a phone photo of a card: tinted paper, skew, blur, noise, JPEG."""
    import random

    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(CJK_FONT, 36)
    rng = random.Random(seed)
    img = Image.new("RGB", (900, 80 + 95 * len(lines)), (236, 231, 214))
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * 95), line, fill=(40, 40, 50), font=font)
    img = img.rotate(angle, expand=True, fillcolor=(90, 90, 90), resample=Image.BICUBIC)
    img = img.filter(ImageFilter.GaussianBlur(blur))
    px = img.load()
    for _ in range(img.width * img.height // 15):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        v = px[x, y][0] + rng.randint(-40, 40)
        px[x, y] = (max(0, min(255, v)),) * 3
    img.save(path, quality=60) if path.suffix.lower() in (".jpg", ".jpeg") else img.save(path)
    return path
