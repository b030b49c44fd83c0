"""Typeset a report excerpt as PDF in the layouts real reports come in (bench helper).

Layouts (all with reportlab's built-in CID font STSong-Light, the only built-in font
whose CMap covers simplified Chinese — HeiseiMin/MSung/HYSMyeongJo miss hundreds of
the corpus' characters):

* paragraph — A4, 14 pt body, wrapped by width (CJK breaks anywhere, Latin/number runs
  are kept whole as Word does), running header (the title, small) and "— N —" footer;
* table     — like paragraph, but " | " lines become ruled platypus Tables (GRID);
* font2     — 12 pt, narrow margins, 1 pt letter spacing, simulated bold (fill+stroke).

Characters the font cannot round-trip through pdfminer's CMaps become "?".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
PAGE_W, PAGE_H = A4
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章节部分])")
LAYOUTS = ("paragraph", "table", "font2")


@dataclass(frozen=True)
class Style:
    size: float = 14
    leading: float = 22
    left: float = 2.8 * cm
    right: float = 2.6 * cm
    top: float = 3.0 * cm
    bottom: float = 2.8 * cm
    char_space: float = 0
    bold: bool = False


STYLES = {
    "paragraph": Style(),
    "table": Style(),
    "font2": Style(size=12, leading=17, left=1.8 * cm, right=1.6 * cm, top=2.0 * cm, bottom=2.0 * cm,
                   char_space=1.0, bold=True),
}


# ---------------------------------------------------------------- characters


@lru_cache(maxsize=1)
def _cmaps():
    from pdfminer.cmapdb import CMapDB

    return CMapDB.get_cmap("UniGB-UCS2-H"), CMapDB.get_unicode_map("Adobe-GB1")


@lru_cache(maxsize=None)
def printable(ch: str) -> bool:
    """True when ch is written by the font and read back as itself by pdfminer."""
    if ch == " ":
        return True
    if ord(ch) > 0xFFFF or unicodedata.category(ch)[0] == "C":
        return False  # UCS2 CMap: no surrogates; no control/private-use characters
    cmap, umap = _cmaps()
    cids = list(cmap.decode(ch.encode("utf-16-be")))
    return len(cids) == 1 and umap.cid2unichr.get(cids[0]) == ch


def safe_text(text: str) -> str:
    """Tabs and odd blanks to spaces, unprintable characters to '?'."""
    text = re.sub(r"[\t\u00a0\u3000\u2000-\u200b]", " ", text)
    return "".join(ch if printable(ch) else "?" for ch in text)


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


# ---------------------------------------------------------------- wrapping

_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%\-+_/:]*|.", re.S)
_CLOSING = set("，。、；：？！）》」』”’%,.;:!?)]")
_OPENING = set("（《「『“‘([")


def tokens(line: str) -> list[str]:
    """Unbreakable pieces: Latin/number runs whole, closing punctuation glued to the left."""
    out: list[str] = []
    glue_next = False
    for m in _RUN.finditer(line):
        piece = m.group()
        if out and (glue_next or piece[0] in _CLOSING):
            out[-1] += piece
        else:
            out.append(piece)
        glue_next = piece[-1] in _OPENING
    return out


def width(text: str, style: Style, size: float | None = None) -> float:
    size = size or style.size
    return pdfmetrics.stringWidth(text, FONT, size) + style.char_space * len(text)


def wrap(line: str, avail: float, style: Style, size: float | None = None, indent: float = 0) -> list[str]:
    """Greedy line breaking; a token wider than the line is cut by characters."""
    lines, current, room = [], "", avail - indent
    for tok in tokens(line):
        pieces = [tok] if width(tok, style, size) <= avail else list(tok)
        for piece in pieces:
            if current and width(current + piece, style, size) > room:
                lines.append(current)
                current, room = "", avail
            current += piece
    if current:
        lines.append(current)
    return lines


# ---------------------------------------------------------------- furniture


def _fit(text: str, avail: float, size: float) -> str:
    """Cut a header text to the line width."""
    while text and pdfmetrics.stringWidth(text, FONT, size) > avail:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text


def draw_furniture(c: canvas.Canvas, number: int, header: str, style: Style) -> None:
    """Running header (small, ruled) and centred page number footer."""
    c.saveState()
    avail = PAGE_W - style.left - style.right
    c.setFont(FONT, 9)
    y = PAGE_H - style.top + 0.9 * cm
    c.drawCentredString(PAGE_W / 2, y, _fit(header, avail, 9))
    c.setLineWidth(0.5)
    c.line(style.left, y - 4, PAGE_W - style.right, y - 4)
    c.setFont(FONT, 10.5)
    c.drawCentredString(PAGE_W / 2, style.bottom - 1.2 * cm, f"— {number} —")
    c.restoreState()


# ---------------------------------------------------------------- paragraph / font2


@dataclass
class _Placed:
    text: str
    size: float
    x: float
    centred: bool = False


def _layout(title: str, lines: list[str], style: Style) -> list[_Placed | None]:
    """Wrapped lines to draw; None is a paragraph gap."""
    avail = PAGE_W - style.left - style.right
    out: list[_Placed | None] = []
    tsize = style.size + 4
    for piece in wrap(title, avail, style, tsize):
        out.append(_Placed(piece, tsize, PAGE_W / 2, centred=True))
    out.append(None)
    for raw in lines:
        text = raw.strip()
        if not text:
            out.append(None)
            continue
        indent = 0 if HEADING.match(text) else 2 * style.size
        for i, piece in enumerate(wrap(text, avail, style, indent=indent)):
            out.append(_Placed(piece, style.size, style.left + (indent if i == 0 else 0)))
    return out


def _draw_line(c: canvas.Canvas, item: _Placed, y: float, style: Style) -> None:
    x = item.x - width(item.text, style, item.size) / 2 if item.centred else item.x
    t = c.beginText(x, y)
    t.setFont(FONT, item.size)
    t.setCharSpace(style.char_space)
    if style.bold:
        t.setTextRenderMode(2)  # fill+stroke: thicker glyphs, same text layer
    t.textOut(item.text)
    c.drawText(t)


def typeset_flow(title: str, lines: list[str], out: Path, style: Style) -> int:
    """Wrapped paragraphs over pages; returns the page count."""
    register_font()
    c = canvas.Canvas(str(out), pagesize=A4, invariant=1)
    c.setTitle(title)
    page, y = 1, PAGE_H - style.top
    c.setLineWidth(0.35)
    for item in _layout(title, lines, style):
        step = style.leading if item is not None else style.leading / 3
        if y - step < style.bottom:
            draw_furniture(c, page, title, style)
            c.showPage()
            c.setLineWidth(0.35)
            page, y = page + 1, PAGE_H - style.top
            if item is None:
                continue
        y -= step
        if item is not None:
            _draw_line(c, item, y, style)
    draw_furniture(c, page, title, style)
    c.save()
    return page


# ---------------------------------------------------------------- tables

_ROW_LINE = re.compile(r" \| |\|.*\|")


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split("|")]
    if cells and not cells[0] and line.lstrip().startswith("|"):
        cells = cells[1:]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def blocks(lines: list[str]):
    """('text', line) and ('table', rows): " | " row-per-line tables and cell-per-line ("a |" ... "|") ones."""
    rows: list[list[str]] = []
    cells: list[str] = []

    def flush():
        nonlocal rows, cells
        if cells:
            rows.append(cells)
        found, rows, cells = rows, [], []
        return _regular(found)

    for raw in lines:
        text = raw.strip()
        if text == "|":
            if cells:
                rows.append(cells)
            cells = []
        elif text.endswith("|") and text.count("|") == 1:
            cells.append(text[:-1].strip())
        elif _ROW_LINE.search(text):
            if cells:
                rows.append(cells)
                cells = []
            rows.append(_cells(text) or [""])
        else:
            if rows or cells:
                yield "table", flush()
            yield "text", raw
    if rows or cells:
        yield "table", flush()


def _regular(rows: list[list[str]]) -> list[list[str]]:
    """Cell-per-line rows that ran together are cut at the header's width; short rows padded."""
    if not rows:
        return rows
    head = max(len(rows[0]), 1)
    out: list[list[str]] = []
    for row in rows:
        # only under a real header: a form's first row ("项目名称 | … |") is two cells wide, its rows are not
        if head >= 3 and len(row) > head * 1.5 and len(row) % head == 0:
            out.extend(row[i:i + head] for i in range(0, len(row), head))
        else:
            out.append(row)
    ncols = min(max(len(r) for r in out), 14)
    return [r[: ncols - 1] + [" ".join(r[ncols - 1:])] if len(r) > ncols else r + [""] * (ncols - len(r))
            for r in out]


def _col_widths(rows: list[list[str]], avail: float, size: float) -> list[float]:
    """Columns proportional to content, never narrower than their longest figure if it fits."""
    ncols = len(rows[0])
    need, floor = [], []
    for j in range(ncols):
        texts = [r[j] for r in rows]
        runs = [tok for t in texts for tok in re.findall(r"[0-9A-Za-z.,%]+", t)]
        widest = max([pdfmetrics.stringWidth(r, FONT, size) for r in runs] + [2 * size])
        floor.append(min(widest, 6 * size) + 8)  # figures whole; long codes may wrap
        need.append(max(min(max(pdfmetrics.stringWidth(t, FONT, size) for t in texts), 12 * size) + 8, floor[-1]))
    spare = avail - sum(floor)
    if spare <= 0:  # even the figures do not fit: shrink everything
        return [f * avail / sum(floor) for f in floor]
    extra = [n - f for n, f in zip(need, floor)]
    share = min(1.0, spare / sum(extra)) if sum(extra) else 0
    widths = [f + e * share for f, e in zip(floor, extra)]
    left = avail - sum(widths)  # short tables: spread what is left evenly
    return [w + left / ncols for w in widths]


def _chop(rows: list[list[str]], widths: list[float], size: float, max_lines: int) -> list[list[str]]:
    """A cell longer than max_lines lines continues in extra rows, so no row outgrows a page."""
    out = []
    for row in rows:
        per_line = [max(1, int((w - 6) / size)) for w in widths]
        chunks = [[c[i:i + n * max_lines] for i in range(0, len(c), n * max_lines)] or [""]
                  for c, n in zip(row, per_line)]
        for k in range(max(len(ch) for ch in chunks)):
            out.append([ch[k] if k < len(ch) else "" for ch in chunks])
    return out


def make_table(rows: list[list[str]], avail: float, avail_h: float) -> Table:
    """A ruled table (GRID), cells wrapped as CJK paragraphs, vertically centred as Excel exports are."""
    size = 9
    leading = size * 1.3
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=leading, wordWrap="CJK")
    rows = [[safe_text(c) for c in row] for row in rows]
    widths = _col_widths(rows, avail, size)
    rows = _chop(rows, widths, size, max_lines=int(avail_h * 0.6 / leading))
    data = [[Paragraph(escape(c), cell) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=0)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def typeset_table(title: str, lines: list[str], out: Path, style: Style) -> int:
    """Paragraphs plus ruled tables via platypus; returns the page count."""
    register_font()
    avail = PAGE_W - style.left - style.right
    body = ParagraphStyle("body", fontName=FONT, fontSize=style.size, leading=style.leading,
                          wordWrap="CJK", firstLineIndent=2 * style.size)
    head = ParagraphStyle("head", parent=body, firstLineIndent=0)
    big = ParagraphStyle("title", parent=head, fontSize=style.size + 4, leading=style.leading + 6, alignment=1)
    story = [Paragraph(escape(safe_text(title)), big), Spacer(1, 6)]
    for kind, item in blocks(lines):
        if kind == "table":
            story += [make_table(item, avail, PAGE_H - style.top - style.bottom), Spacer(1, 6)]
        elif item.strip():
            text = safe_text(item.strip())
            story.append(Paragraph(escape(text), head if HEADING.match(text) else body))
        else:
            story.append(Spacer(1, style.leading / 3))
    pages = []

    def on_page(c, doc):
        pages.append(doc.page)
        draw_furniture(c, doc.page, title, style)

    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=style.left, rightMargin=style.right,
                            topMargin=style.top, bottomMargin=style.bottom, title=title, invariant=1)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return len(pages)


def typeset(layout: str, title: str, lines: list[str], out: Path) -> int:
    """Write `out` in `layout`; returns the page count."""
    title = safe_text(title.strip()) or "?"
    style = STYLES[layout]
    if layout == "table":
        return typeset_table(title, lines, out, style)
    return typeset_flow(title, [safe_text(line) for line in lines], out, style)
