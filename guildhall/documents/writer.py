"""Write a .docx in the layout of Chinese official documents (GB/T 9704-2012).

A4 with the standard type area (top 37 mm, left 28 mm, 156 × 225 mm), body 3号仿宋 on a
grid of 22 lines × 28 characters, title 2号小标宋, headings 一、（一）1.（1）, page numbers
"— 1 —" in 4号宋体 on the right of odd pages and the left of even pages, tables in the
three-line style, an appendix (附件) and the 版记 with its rules.

East Asian fonts are named through `w:rFonts w:eastAsia` on every run (python-docx's
`font.name` sets only the Latin slots, which WPS and Word ignore for Chinese text), and the
font table names the common Windows fonts as fallbacks (`w:altName`), since the official
fonts are licensed and may be missing on the reader's machine.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips
from docx.text.paragraph import Paragraph

from guildhall.documents.numbers import chinese_number, document_date


@dataclass(frozen=True)
class Face:
    """A font as a run names it: the East Asian font, its Windows fallback, the Latin font."""

    east_asia: str
    fallback: str
    latin: str = "Times New Roman"


FANGSONG = Face("仿宋_GB2312", "仿宋")
XIAOBIAOSONG = Face("方正小标宋简体", "宋体")
HEITI = Face("黑体", "SimHei")
KAITI = Face("楷体_GB2312", "楷体")
SONGTI = Face("宋体", "SimSun", "宋体")
FACES = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI)

# Sizes (号) in points.
SIZE_2 = 22.0
SIZE_3 = 16.0
SIZE_4 = 14.0
SIZE_SMALL_4 = 12.0

# The page in twips (1/20 pt): A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474
TYPE_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 = 156 mm
# The page number sits 7 mm (397 twips) below the type area.
FOOTER_DISTANCE = MARGIN_BOTTOM - 397 - int(SIZE_4 * 20)
LINES, CHARS = 22, 28
# 580 would give 21 lines in 225 mm; 579 gives 22.
LINE_PITCH = 579
# The grid's character pitch is the type width over 28 characters; charSpace is its
# difference from the 16 pt font size in 1/4096 pt.
CHAR_SPACE = round((TYPE_WIDTH / CHARS / 20 - SIZE_3) * 4096)
CHAR = int(SIZE_3 * 20)  # one character of body text, for indents
# The grid snaps lines (22 a page); the 28 characters a line come from a character spacing
# of -0.25 pt on body text (16 pt - 0.25 pt = 15.75 pt, 28 of them in 156 mm). A
# "linesAndChars" grid would say the same to Word, but LibreOffice 7.4 gives each 16 pt
# character two of its 15.8 pt cells and sets 14 characters a line, so the PDF would not
# match the .docx.
GRID_TYPE = "lines"
GRID_SQUEEZE = -5

# Rules in eighths of a point: the 版记's outer rules 0.35 mm, its inner rule 0.25 mm;
# the three-line table's top and bottom 1.5 pt, below its header 0.75 pt.
RULE_OUTER, RULE_INNER = 8, 6
TABLE_OUTER, TABLE_INNER = 12, 6


@dataclass
class Cell:
    """A table cell that is more than text: a link (the appendix's records)."""

    text: str
    url: str = ""


class OfficialDocument:
    """One official document, written from top to bottom; `bytes()` returns the .docx."""

    def __init__(self, *, title: str, author: str = "", note: str = "") -> None:
        self.doc = Document()
        self._body = self.doc.element.body
        self._counters = [0, 0, 0, 0]
        self._tables = 0
        props = self.doc.core_properties
        props.title, props.author, props.subject = title, author, note
        props.last_modified_by = author
        self._page()
        self._defaults()
        self._font_table()
        self._footers()

    # ---- the page, the defaults, the fonts ---------------------------------------------

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
        section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
        section.header_distance, section.footer_distance = Twips(851), Twips(FOOTER_DISTANCE)
        sect = section._sectPr
        for old in sect.findall(qn("w:docGrid")):
            sect.remove(old)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), GRID_TYPE)
        grid.set(qn("w:linePitch"), str(LINE_PITCH))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))
        sect.append(grid)

    def _defaults(self) -> None:
        # The document defaults too: LibreOffice sizes the character grid from them.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                rpr_default.append(rpr)
            _set_faces(rpr, FANGSONG)
            for tag in ("w:sz", "w:szCs"):
                for old in rpr.findall(qn(tag)):
                    rpr.remove(old)
                size = OxmlElement(tag)
                size.set(qn("w:val"), str(int(SIZE_3 * 2)))
                _insert_before(rpr, size, ("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
                                           "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                                           "w:em", "w:lang", "w:eastAsianLayout",
                                           "w:specVanish", "w:oMath"))
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(SIZE_3)
        _set_faces(normal.element.get_or_add_rPr(), FANGSONG)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(lang)
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Twips(LINE_PITCH)

    def _font_table(self) -> None:
        fonts_part = None
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                fonts_part = rel.target_part
        if fonts_part is None:
            return
        from lxml import etree

        root = etree.fromstring(fonts_part.blob)
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        for face in FACES:
            font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": face.east_asia})
            etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": face.fallback})
            etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})
            etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern"})
            etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "fixed"})
        fonts_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)

    def _footers(self) -> None:
        """Page numbers: "— 1 —" in 4号宋体, odd pages on the right and even pages on the
        left, one character in (w:evenAndOddHeaders)."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
            side = "w:right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "w:left"
            ind.set(qn(side), str(int(SIZE_4 * 20)))
            self._run(paragraph, "— ", SONGTI, SIZE_4)
            self._field(paragraph, "PAGE", "1", SONGTI, SIZE_4)
            self._run(paragraph, " —", SONGTI, SIZE_4)
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False

    # ---- runs and paragraphs ---------------------------------------------------------------

    @staticmethod
    def _run(paragraph, text: str, face: Face, size: float, *, bold: bool = False):
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        if bold:
            run.bold = True
        _set_faces(run._r.get_or_add_rPr(), face)
        if size == SIZE_3:
            # 28 characters a line (see GRID_TYPE).
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(GRID_SQUEEZE))
            _insert_before(run._r.get_or_add_rPr(), spacing,
                           ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
                            "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
                            "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout"))
        return run

    def _field(self, paragraph, instruction: str, shown: str, face: Face, size: float) -> None:
        for kind in ("begin", None, "separate", shown, "end"):
            run = self._run(paragraph, "", face, size)
            if kind in ("begin", "separate", "end"):
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif kind is None:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = f" {instruction} "
                run._r.append(instr)
            else:
                run.text = kind

    def _paragraph(self, text: str = "", *, face: Face = FANGSONG, size: float = SIZE_3,
                   align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: int = 2, right: int = 0,
                   keep_next: bool = False, snap: bool = True) -> Paragraph:
        """Add a paragraph of one run (or none), written as XML at once: python-docx's
        property setters cost more than the rest of a long report together."""
        p = parse_xml(_paragraph_xml(_run_xml(text, face, size) if text else "", align=align,
                                     indent=indent, right=right, keep_next=keep_next, snap=snap))
        self._body.sectPr.addprevious(p)
        return Paragraph(p, self.doc._body)

    # ---- the parts of a document -----------------------------------------------------------

    def number_line(self, number: str, signer: str = "") -> None:
        """The 发文字号 one character from the left, and for a report to the superior body
        the 签发人 on the right of the same line."""
        paragraph = self._paragraph(indent=0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.left_indent = Twips(CHAR)
        self._run(paragraph, number, FANGSONG, SIZE_3)
        if signer:
            tabs = paragraph.paragraph_format.tab_stops
            from docx.enum.text import WD_TAB_ALIGNMENT

            tabs.add_tab_stop(Twips(TYPE_WIDTH - 2 * CHAR), WD_TAB_ALIGNMENT.RIGHT)
            self._run(paragraph, "\t签发人：", FANGSONG, SIZE_3)
            self._run(paragraph, signer, KAITI, SIZE_3)
        self._paragraph()

    def title(self, text: str) -> None:
        """The title: 2号小标宋, centred, followed by one empty line."""
        self._paragraph(text, face=XIAOBIAOSONG, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER,
                        indent=0, snap=False)
        self._paragraph()

    def addressee(self, text: str) -> None:
        """The 主送机关, at the left margin, followed by a full-width colon."""
        self._paragraph(f"{text}：", indent=0)

    def heading(self, level: int, text: str) -> str:
        """A numbered heading: 一、(黑体) （一）(楷体) 1. and （1）(仿宋). Return its number."""
        if level not in (1, 2, 3, 4):
            raise ValueError("headings have four levels")
        self._counters[level - 1] += 1
        for lower in range(level, 4):
            self._counters[lower] = 0
        n = self._counters[level - 1]
        number, face = {1: (f"{chinese_number(n)}、", HEITI), 2: (f"（{chinese_number(n)}）", KAITI),
                        3: (f"{n}.", FANGSONG), 4: (f"（{n}）", FANGSONG)}[level]
        self._paragraph(number + text, face=face, keep_next=True)
        return number

    def text(self, text: str) -> None:
        """Body text: one paragraph per line, two characters in."""
        for line in (text or "").splitlines():
            if line.strip():
                self._paragraph(line.strip())

    def table(self, caption: str, headers: Sequence[str], rows: Iterable[Sequence[str | Cell]],
              widths: Sequence[int] | None = None) -> int:
        """A three-line table (top and bottom rules, one under the header, no verticals) with
        its caption above; its header repeats on every page. Return its number.

        Written as one piece of XML: a report's appendix has thousands of cells."""
        self._tables += 1
        self._paragraph(f"表{self._tables}　{caption}", face=HEITI, size=SIZE_4,
                        align=WD_ALIGN_PARAGRAPH.CENTER, indent=0, keep_next=True)
        widths = list(widths or [1] * len(headers))
        total = sum(widths)
        twips = [TYPE_WIDTH * width // total for width in widths]
        header_border = _border_xml("bottom", TABLE_INNER)
        parts = [f"<w:tbl {_NS}>", _TABLE_PROPERTIES, "<w:tblGrid>",
                 *(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>",
                 "<w:tr><w:trPr><w:tblHeader/></w:trPr>"]
        if len(headers) != len(twips):
            raise ValueError("one width per column")
        for text, width in zip(headers, twips, strict=True):
            parts.append(_cell_xml(str(text), HEITI, width, f"<w:tcBorders>{header_border}</w:tcBorders>"))
        parts.append("</w:tr>")
        for values in rows:
            parts.append("<w:tr>")
            for value, width in zip(values, twips, strict=True):
                parts.append(_cell_xml(value.text if isinstance(value, Cell) else str(value),
                                       FANGSONG, width))
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self._body.sectPr.addprevious(parse_xml("".join(parts)))
        self._paragraph()
        return self._tables

    def signature(self, issuer: str, day: dt.date) -> None:
        """The issuing body and the date, the date four characters from the right."""
        self._paragraph()
        self._paragraph(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0, right=2)
        self._paragraph(document_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0, right=4)

    def appendix(self, title: str, number: int | None = None) -> None:
        """Start an appendix on a new page: 附件 (黑体) at the top left, its title centred.
        Its headings are numbered afresh."""
        self._counters = [0, 0, 0, 0]
        paragraph = self._paragraph(indent=0)
        paragraph.add_run().add_break(WD_BREAK.PAGE)
        _set_faces(paragraph.runs[-1]._r.get_or_add_rPr(), FANGSONG)
        self._paragraph("附件" if number is None else f"附件{number}", face=HEITI, indent=0)
        self._paragraph()
        self._paragraph(title, face=XIAOBIAOSONG, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER,
                        indent=0)
        self._paragraph()

    def imprint(self, *, issuer: str, day: dt.date, copy_to: str = "") -> None:
        """The 版记: 抄送 (when any) and the 印发机关 with the 印发日期, between rules as wide
        as the type area (outer 0.35 mm, inner 0.25 mm), in 4号仿宋."""
        self._paragraph()
        if copy_to:
            first = self._paragraph(indent=0)
            first.paragraph_format.left_indent = first.paragraph_format.right_indent = Twips(280)
            self._run(first, f"抄送：{copy_to}。", FANGSONG, SIZE_4)
            _paragraph_border(first, "top", RULE_OUTER)
            _paragraph_border(first, "bottom", RULE_INNER)
        last = self._paragraph(indent=0)
        fmt = last.paragraph_format
        fmt.left_indent = fmt.right_indent = Twips(280)
        from docx.enum.text import WD_TAB_ALIGNMENT

        fmt.tab_stops.add_tab_stop(Twips(TYPE_WIDTH - 560), WD_TAB_ALIGNMENT.RIGHT)
        self._run(last, f"{issuer}\t{document_date(day)}印发", FANGSONG, SIZE_4)
        if not copy_to:
            _paragraph_border(last, "top", RULE_OUTER)
        _paragraph_border(last, "bottom", RULE_OUTER)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


# ---- XML helpers ---------------------------------------------------------------------------

def _set_faces(rPr, face: Face) -> None:
    fonts = rPr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rPr.insert(0, fonts)
    fonts.set(qn("w:ascii"), face.latin)
    fonts.set(qn("w:hAnsi"), face.latin)
    fonts.set(qn("w:eastAsia"), face.east_asia)
    fonts.set(qn("w:cs"), face.latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _border(tag: str, size: int):
    el = OxmlElement(tag)
    el.set(qn("w:val"), "single" if size else "nil")
    if size:
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0" if tag.endswith(("top", "bottom")) else "4")
        el.set(qn("w:color"), "000000")
    return el


def _paragraph_border(paragraph, side: str, size: int) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    borders = pPr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # The schema's order: pBdr before the tabs, spacing, indentation and alignment.
        _insert_before(pPr, borders, ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                                      "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                                      "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                                      "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                                      "w:contextualSpacing", "w:mirrorIndents",
                                      "w:suppressOverlap", "w:jc", "w:textDirection",
                                      "w:textAlignment", "w:textboxTightWrap",
                                      "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                                      "w:sectPr", "w:pPrChange"))
    borders.append(_border(f"w:{side}", size))


def _insert_before(parent, element, successors: Sequence[str]) -> None:
    """Insert `element` into `parent` before the first child named in `successors` (the
    schema's order, which Word enforces), or at the end."""
    names = {qn(name) for name in successors}
    for index, child in enumerate(parent):
        if child.tag in names:
            parent.insert(index, element)
            return
    parent.append(element)


# ---- the XML of paragraphs, runs and table cells, written at once --------------------------

_NS = nsdecls("w")
_ALIGN = {WD_ALIGN_PARAGRAPH.JUSTIFY: "both", WD_ALIGN_PARAGRAPH.CENTER: "center",
          WD_ALIGN_PARAGRAPH.LEFT: "left", WD_ALIGN_PARAGRAPH.RIGHT: "right"}
# Characters XML 1.0 cannot hold (python-docx would refuse them): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NO_SNAP = '<w:snapToGrid w:val="0"/>'
_BREAKS = re.compile(r"(\t|\r\n|\n|\r)")


def _escape(text: str) -> str:
    return (_NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def _run_properties(face: Face, size: float, bold: bool = False) -> str:
    squeeze = f'<w:spacing w:val="{GRID_SQUEEZE}"/>' if size == SIZE_3 else ""
    return (f'<w:rPr><w:rFonts w:ascii="{face.latin}" w:hAnsi="{face.latin}" '
            f'w:eastAsia="{face.east_asia}" w:cs="{face.latin}" w:hint="eastAsia"/>'
            f'{"<w:b/>" if bold else ""}{squeeze}<w:sz w:val="{int(size * 2)}"/></w:rPr>')


def _run_xml(text: str, face: Face, size: float, bold: bool = False) -> str:
    """One run with its East Asian font (`w:eastAsia`), its size and, in body text, the
    grid's squeeze; tabs and line breaks become <w:tab/> and <w:br/>, as python-docx does."""
    content = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece in ("\n", "\r", "\r\n"):
            content.append("<w:br/>")
        elif piece:
            keep = ' xml:space="preserve"' if piece != piece.strip() else ""
            content.append(f"<w:t{keep}>{_escape(piece)}</w:t>")
    return f"<w:r>{_run_properties(face, size, bold)}{''.join(content)}</w:r>"


def _paragraph_xml(runs: str, *, align, indent: int, right: int, keep_next: bool,
                   snap: bool = True) -> str:
    ind = ""
    if indent:
        ind += f' w:firstLineChars="{indent * 100}" w:firstLine="{indent * CHAR}"'
    if right:
        ind += f' w:rightChars="{right * 100}" w:right="{right * CHAR}"'
    return (f"<w:p {_NS}><w:pPr>{'<w:keepNext/>' if keep_next else ''}"
            f"{'' if snap else _NO_SNAP}"
            f'<w:spacing w:line="{LINE_PITCH}" w:lineRule="exact" w:before="0" w:after="0"/>'
            f'<w:ind{ind}/><w:jc w:val="{_ALIGN[align]}"/></w:pPr>{runs}</w:p>')


def _border_xml(side: str, size: int) -> str:
    if not size:
        return f'<w:{side} w:val="nil"/>'
    space = "0" if side in ("top", "bottom") else "4"
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="000000"/>'


# The three-line table: the type area's width, centred, rules at the top and bottom only.
_TABLE_PROPERTIES = (
    f'<w:tblPr><w:tblW w:type="dxa" w:w="{TYPE_WIDTH}"/><w:jc w:val="center"/><w:tblBorders>'
    + "".join(_border_xml(side, size) for side, size in (
        ("top", TABLE_OUTER), ("left", 0), ("bottom", TABLE_OUTER), ("right", 0),
        ("insideH", 0), ("insideV", 0)))
    + '</w:tblBorders><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
      'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>')
# Table text keeps its own line height instead of snapping to the body's grid.
_CELL_PARAGRAPH = ('<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>'
                   '<w:jc w:val="left"/></w:pPr>')


def _cell_xml(text: str, face: Face, width: int, borders: str = "") -> str:
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{borders}</w:tcPr>'
            f"<w:p>{_CELL_PARAGRAPH}{_run_xml(text, face, SIZE_SMALL_4)}</w:p></w:tc>")
