"""PDF from the same .docx, with LibreOffice headless.

Each conversion runs `soffice` with its own profile directory (parallel runs sharing one
profile fail, sometimes with exit code 0 and no PDF), a timeout that kills the whole
process group, and a fontconfig file of its own (FONTCONFIG_FILE, for the converter only)
that maps the licensed official fonts the .docx names to free Debian fonts. The result is
checked: the PDF exists, parses, and holds as many pages as LibreOffice laid the .docx
out on — the count it declares in the PDF's page tree (/Count) against the pages pdfminer
walks. (A second pass that saves the .docx again and reads docProps/app.xml, or an .odt's
meta:page-count, was tried: headless LibreOffice writes those statistics before its layout
has finished — 1 or 12 pages for a document it lays out on 15 — so they cannot serve.)

The official fonts cannot ship; `STAND_INS` says which free font stood in for each, and
the .docx's properties (subject and keywords, which LibreOffice carries into the PDF's
metadata) say so — see `stand_in_note()`.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

#: The font the .docx names -> the free font (Debian package) that renders it in the PDF.
STAND_INS: dict[str, tuple[str, str]] = {
    "仿宋_GB2312": ("Noto Serif CJK SC", "fonts-noto-cjk"),
    "仿宋": ("Noto Serif CJK SC", "fonts-noto-cjk"),
    "方正小标宋简体": ("Noto Serif CJK SC Bold", "fonts-noto-cjk"),
    "黑体": ("Noto Sans CJK SC", "fonts-noto-cjk"),
    "SimHei": ("Noto Sans CJK SC", "fonts-noto-cjk"),
    "楷体_GB2312": ("AR PL UKai CN", "fonts-arphic-ukai"),
    "楷体": ("AR PL UKai CN", "fonts-arphic-ukai"),
    "宋体": ("Noto Serif CJK SC", "fonts-noto-cjk"),
    "SimSun": ("Noto Serif CJK SC", "fonts-noto-cjk"),
}
DEFAULT_TIMEOUT = 120


class ConversionError(Exception):
    """LibreOffice is missing, failed, timed out, or wrote no (or a wrong) PDF."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Converted:
    pdf: bytes
    pages: int
    declared_pages: int
    fonts: list[str] = field(default_factory=list)


def stand_in_note() -> str:
    """One sentence naming the free fonts that stand in for the official ones in the PDF."""
    seen: dict[str, str] = {}
    for official in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"):
        seen[official] = STAND_INS[official][0]
    pairs = "；".join(f"{official}→{free}" for official, free in seen.items())
    return f"PDF 版以免费字体代替正式字体：{pairs}"


def soffice_path() -> str | None:
    return shutil.which(os.environ.get("SOFFICE", "soffice"))


def fonts_conf(cache_dir: Path) -> str:
    """A fontconfig file: the system's configuration plus one strong alias per official
    font, so LibreOffice finds the stand-in by the name the .docx uses."""
    rules = []
    for official, (free, _package) in STAND_INS.items():
        family, bold = (free[:-5], True) if free.endswith(" Bold") else (free, False)
        weight = "<edit name=\"weight\" mode=\"assign\"><const>bold</const></edit>" if bold else ""
        rules.append(
            f"<match target=\"pattern\"><test name=\"family\"><string>{escape(official)}</string>"
            f"</test><edit name=\"family\" mode=\"assign\" binding=\"strong\"><string>"
            f"{escape(family)}</string></edit>{weight}</match>")
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n"
            "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n"
            f"<cachedir>{escape(str(cache_dir))}</cachedir>\n" + "\n".join(rules)
            + "\n</fontconfig>\n")


def _run_soffice(soffice: str, work: Path, source: Path, target: str, outdir: Path,
                 timeout: float) -> None:
    profile = work / "profile"
    env = {**os.environ, "HOME": str(work), "FONTCONFIG_FILE": str(work / "fonts.conf"),
           "SAL_USE_VCLPLUGIN": "svp"}
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
               "--norestore", "--nolockcheck", "--nodefault", "--convert-to", target,
               "--outdir", str(outdir), str(source)]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env=env, cwd=work, start_new_session=True)
    except OSError as exc:
        raise ConversionError(f"LibreOffice (soffice) cannot be started: {exc}", "missing") from exc
    try:
        output, _err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConversionError(f"LibreOffice did not finish within {timeout:.0f} seconds.",
                              "timeout") from None
    if process.returncode != 0:
        tail = (output or b"").decode("utf-8", "replace").strip()[-300:]
        raise ConversionError(f"LibreOffice failed (exit {process.returncode}): {tail}",
                              "failed")


def pdf_pages_and_fonts(pdf: bytes) -> tuple[int, int, list[str]]:
    """Return the page count the PDF declares (its page tree's /Count, which LibreOffice
    writes from its layout of the .docx), the pages pdfminer actually finds, and the names
    of its fonts (subset prefixes removed)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    parser = PDFParser(io.BytesIO(pdf))
    document = PDFDocument(parser)
    catalog = resolve1(document.catalog.get("Pages")) or {}
    declared = int(resolve1(catalog.get("Count")) or 0)
    pages, fonts = 0, set()
    for page in PDFPage.create_pages(document):
        pages += 1
        resources = resolve1(page.resources) or {}
        for font in (resolve1(resources.get("Font")) or {}).values():
            base = resolve1(font).get("BaseFont")
            name = getattr(base, "name", None) or str(base or "")
            if name:
                fonts.add(name.split("+", 1)[-1])
    return declared, pages, sorted(fonts)


def convert(docx: bytes, *, timeout: float = DEFAULT_TIMEOUT, soffice: str | None = None) -> Converted:
    """Convert a .docx to PDF and check the result; raise ConversionError otherwise."""
    soffice = soffice_path() if soffice is None else shutil.which(soffice)
    if not soffice:
        raise ConversionError("LibreOffice (soffice) is not installed.", "missing")
    with tempfile.TemporaryDirectory(prefix="guildhall-pdf-") as tmp:
        work = Path(tmp)
        (work / "fonts.conf").write_text(fonts_conf(work / "fontcache"), encoding="utf-8")
        source = work / "document.docx"
        source.write_bytes(docx)
        out = work / "out"
        out.mkdir()
        _run_soffice(soffice, work, source, "pdf:writer_pdf_Export", out, timeout)
        target = out / "document.pdf"
        if not target.exists() or target.stat().st_size == 0:
            raise ConversionError("LibreOffice wrote no PDF.", "no_pdf")
        pdf = target.read_bytes()
        if not pdf.startswith(b"%PDF"):
            raise ConversionError("LibreOffice wrote a file that is not a PDF.", "no_pdf")
        try:
            declared, pages, fonts = pdf_pages_and_fonts(pdf)
        except Exception as exc:  # pdfminer raises many kinds on a broken file
            raise ConversionError(f"The PDF cannot be read: {exc}", "bad_pdf") from exc
        if declared != pages or pages < 1:
            raise ConversionError(
                f"LibreOffice declares {declared} pages for the document but the PDF holds "
                f"{pages}.", "page_count")
        return Converted(pdf=pdf, pages=pages, declared_pages=declared, fonts=fonts)
