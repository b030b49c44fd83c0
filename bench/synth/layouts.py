"""A composed report written to a file in one of the layouts real reports come in.

* txt        — plain text; tables as pipe rows, tab- or space-separated, one cell per line or cells
               run together; some pasted from a PDF with its hard line breaks, some with stray spaces
               in figures ("682. 66")
* txt-trad   — the same in traditional characters, as the 繁体 reposts of a report are (a partial
               conversion: characters outside the synthesiser's table stay simplified)
* docx       — python-docx: Word headings or bold paragraphs, real Word tables (Table Grid), the
               level-1 column's group cells merged vertically as forms have them; some converted from
               a PDF (a paragraph per printed line)
* pdf-ruled  — reportlab platypus, STSong-Light: wrapped paragraphs, ruled tables; the indicator
               table split across two pages, its header repeated or not
* pdf-font2  — the same in a second font family (MSung-Light wherever it has the glyph, STSong-Light
               for the rest), smaller type, narrow margins, tables split where the page ends
* pdf-pipe   — tables typed as " | " text rows
* pdf-cells  — a form flattened one cell per line
* pdf-spaced — table columns set apart by space only (no rules), as an Excel export prints
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import cidfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .compose import HARD_WRAP_WIDTH, Block
from .phrases import Chooser, to_traditional

LAYOUTS = ("txt", "txt-trad", "docx", "pdf-ruled", "pdf-font2", "pdf-pipe", "pdf-cells", "pdf-spaced")
FONT, FONT2 = "STSong-Light", "MSung-Light"
EXTENSIONS = {"txt": ".txt", "txt-trad": ".txt", "docx": ".docx"}
TXT_TABLES = ("pipe", "pipe-closed", "tab", "space", "cells", "run")  # run: cells run together (D04, 035)
STRAY_SPACE_SHARE = 0.3  # .txt reports pasted from a PDF whose figures have a stray space
STRAY_SPACE_EVERY = 3
DOCX_WRAPPED_SHARE = 0.25
FOOTERS = ("— {n} —", "- {n} -", "第 {n} 页", "{n}")  # Word files converted from a PDF, a paragraph per printed line
UNBREAKABLE = re.compile(r"[0-9][0-9.,%‰]*|.", re.S)
DECIMAL = re.compile(r"(\d)\.(\d{1,2})(?=万元|元|%)")


def extension(layout: str) -> str:
    return EXTENSIONS.get(layout, ".pdf")


def render(blocks: list[Block], layout: str, path: Path, seed: int) -> Path:
    ch = Chooser(seed * 31 + LAYOUTS.index(layout))
    if layout in ("txt", "txt-trad"):
        write_txt(blocks, path, ch, traditional=layout == "txt-trad")
    elif layout == "docx":
        write_docx(blocks, path, ch)
    else:
        write_pdf(blocks, layout, path, ch)
    return path


# ---------------------------------------------------------------- text


def table_lines(rows: list[list[str]], style: str) -> list[str]:
    if style == "cells":
        return [cell for row in rows for cell in row if cell]
    if style == "run":
        return ["".join(row) for row in rows]
    if style in ("tab", "space"):
        return [("\t" if style == "tab" else " ").join(c for c in row if c or style == "tab") for row in rows]
    if style == "pipe-closed":
        return ["|" + "|".join(row) + "|" for row in rows]
    return [" | ".join(row) + " |" for row in rows]


def hard_wrap(text: str, width: int) -> list[str]:
    """Lines of about `width` characters, a figure never cut (Word keeps a number run on one line)."""
    lines, current = [], ""
    for token in UNBREAKABLE.findall(text):
        if current and len(current) + len(token) > width:
            lines.append(current)
            current = ""
        current += token
    return lines + [current] if current or not lines else lines


def stray_spaces(text: str) -> str:
    """Every third decimal figure with a space after its point ("682. 66"), as text copied from a PDF has it."""
    count = 0

    def space(m):
        nonlocal count
        count += 1
        return m.group(1) + ". " + m.group(2) if count % STRAY_SPACE_EVERY == 0 else m.group()
    return DECIMAL.sub(space, text)


def write_txt(blocks: list[Block], path: Path, ch: Chooser, traditional: bool = False) -> None:
    table_style, wrapped, spaced = ch.pick(list(TXT_TABLES)), ch.chance(0.3), ch.chance(STRAY_SPACE_SHARE)
    lines = []
    for b in blocks:
        if b.kind == "table":
            lines += table_lines(b.rows, table_style)
            continue
        text = stray_spaces(b.text) if spaced and b.kind == "p" else b.text
        lines += hard_wrap(text, HARD_WRAP_WIDTH) if b.kind == "p" and wrapped else [text]
    text = "\n".join(lines) + "\n"
    path.write_text(to_traditional(text) if traditional else text, encoding="utf-8")


# ---------------------------------------------------------------- Word


def merge_group_cells(table, rows: list[list[str]], header_rows: int) -> None:
    """Blank level-1 cells under a filled one become one merged cell, as in a Word form."""
    start = None
    for i in range(header_rows, len(rows) + 1):
        blank = i < len(rows) and rows[i] and rows[i][0] == ""
        if blank and start is None:
            start = i - 1
        if not blank and start is not None:
            if start >= header_rows and i - 1 > start:
                text = rows[start][0]
                merged = table.cell(start, 0).merge(table.cell(i - 1, 0))
                merged.text = text
            start = None


def write_docx(blocks: list[Block], path: Path, ch: Chooser) -> None:
    import docx

    d = docx.Document()
    word_headings, wrapped = ch.chance(0.6), ch.chance(DOCX_WRAPPED_SHARE)
    for b in blocks:
        if b.kind == "table":
            ncols = max(len(r) for r in b.rows)
            table = d.add_table(rows=len(b.rows), cols=ncols)
            table.style = "Table Grid"
            for i, row in enumerate(b.rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
            if b.role == "indicators":
                merge_group_cells(table, b.rows, b.header_rows)
        elif b.kind in ("title", "h1", "h2") and word_headings:
            d.add_heading(b.text, level={"title": 0, "h1": 1, "h2": 2}[b.kind])
        elif b.kind in ("title", "h1", "h2"):
            d.add_paragraph().add_run(b.text).bold = True
        elif wrapped:  # a PDF converted to Word: each printed line its own paragraph
            for line in hard_wrap(b.text, HARD_WRAP_WIDTH):
                d.add_paragraph(line)
        else:
            d.add_paragraph(b.text)
    d.save(str(path))


# ---------------------------------------------------------------- PDF


# reportlab 5.x lists MSung-Light (a traditional-Chinese, Adobe-CNS1 font) with the simplified-Chinese
# encoding UniGB-UCS2-H, so its text prints and reads back as other characters; 4.x had UniCNS-UCS2-H.
CID_ENCODINGS = {FONT2: ("cht", "UniCNS-UCS2-H")}


@lru_cache(maxsize=1)
def register_fonts() -> None:
    cidfonts.defaultUnicodeEncodings.update(CID_ENCODINGS)
    for name in (FONT, FONT2):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))


@lru_cache(maxsize=None)
def second_font_has(ch: str) -> bool:
    """MSung-Light (Adobe-CNS1) writes ch and pdfminer reads it back as ch."""
    from pdfminer.cmapdb import CMapDB

    cmap, umap = CMapDB.get_cmap("UniCNS-UCS2-H"), CMapDB.get_unicode_map("Adobe-CNS1")
    cids = list(cmap.decode(ch.encode("utf-16-be")))
    return len(cids) == 1 and umap.cid2unichr.get(cids[0]) == ch


def markup(text: str, mixed: bool) -> str:
    """Paragraph markup; mixed sets every character the second font has in it (runs of one font)."""
    if not mixed:
        return escape(text)
    out, run, run_font = [], "", None
    for c in text:
        font = FONT2 if c != " " and second_font_has(c) else FONT
        if font != run_font and run:
            out.append(f'<font name="{run_font}">{escape(run)}</font>')
            run = ""
        run, run_font = run + c, font
    if run:
        out.append(f'<font name="{run_font}">{escape(run)}</font>')
    return "".join(out)


class PdfStyle:
    def __init__(self, layout: str, ch: Chooser):
        self.layout = layout
        self.mixed = layout == "pdf-font2"
        size = 10.5 if self.mixed else ch.pick([12, 14])
        self.margins = (1.8 * cm, 1.6 * cm) if self.mixed else (2.8 * cm, 2.6 * cm)
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.55, wordWrap="CJK",
                                   firstLineIndent=2 * size)
        self.h1 = ParagraphStyle("h1", parent=self.body, fontSize=size + 1, leading=(size + 1) * 1.6, firstLineIndent=0)
        self.h2 = ParagraphStyle("h2", parent=self.body, firstLineIndent=0)
        self.title = ParagraphStyle("title", parent=self.body, fontSize=size + 5, leading=(size + 5) * 1.5,
                                    alignment=1, firstLineIndent=0)
        self.cell = ParagraphStyle("cell", fontName=FONT, fontSize=size - 2, leading=(size - 2) * 1.3, wordWrap="CJK")
        self.repeat_header = ch.chance(0.5)

    def para(self, text: str, style=None) -> Paragraph:
        return Paragraph(markup(text, self.mixed), style or self.body)


def furniture(title: str, footer: str, header: bool):
    """Running header (the title, small) if any, and a page-number footer in one of the usual forms."""
    def draw(canvas, doc):
        canvas.saveState()
        if header:
            canvas.setFont(FONT, 8)
            canvas.drawCentredString(A4[0] / 2, A4[1] - 1.5 * cm, title[:40])
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, footer.format(n=doc.page))
        canvas.restoreState()
    return draw


def column_widths(rows: list[list[str]], ncols: int, width: float) -> list[float]:
    """Widths after the longest cell of each column (square-rooted, so long text cells do not take all)."""
    longest = [max((len(r[j]) for r in rows if j < len(r)), default=1) for j in range(ncols)]
    weights = [max(2, n) ** 0.5 for n in longest]
    return [width * w / sum(weights) for w in weights]


def ruled_table(rows: list[list[str]], ps: PdfStyle, width: float, header_rows: int, grid: bool) -> Table:
    ncols = max(len(r) for r in rows)
    data = [[ps.para(c, ps.cell) for c in r] + [""] * (ncols - len(r)) for r in rows]
    table = Table(data, colWidths=column_widths(rows, ncols, width), repeatRows=header_rows if ps.repeat_header else 0)
    commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if grid:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    table.setStyle(TableStyle(commands))
    return table


def split_table(b: Block, ps: PdfStyle, width: float) -> list:
    """The indicator table in two parts on two pages, the second with or without the header row."""
    cut = b.header_rows + max(1, (len(b.rows) - b.header_rows) // 2)
    second = (b.rows[:b.header_rows] if ps.repeat_header else []) + b.rows[cut:]
    return [ruled_table(b.rows[:cut], ps, width, b.header_rows, True), PageBreak(),
            ruled_table(second, ps, width, b.header_rows if ps.repeat_header else 0, True)]


def table_flowables(b: Block, ps: PdfStyle, width: float) -> list:
    if ps.layout == "pdf-pipe":
        return [ps.para(line, ps.h2) for line in table_lines(b.rows, "pipe")]
    if ps.layout == "pdf-cells":
        return [ps.para(line, ps.h2) for line in table_lines(b.rows, "cells")]
    if ps.layout == "pdf-spaced":
        return [ruled_table(b.rows, ps, width, b.header_rows, False)]
    if ps.layout == "pdf-ruled" and b.role == "indicators" and len(b.rows) > 4:
        return split_table(b, ps, width)
    return [ruled_table(b.rows, ps, width, b.header_rows, True)]


def write_pdf(blocks: list[Block], layout: str, path: Path, ch: Chooser) -> None:
    register_fonts()
    ps = PdfStyle(layout, ch)
    left, right = ps.margins
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=left, rightMargin=right,
                            topMargin=2.5 * cm, bottomMargin=2.2 * cm)
    width = A4[0] - left - right
    story = []
    title = next((b.text for b in blocks if b.kind == "title"), "")
    for b in blocks:
        if b.kind == "table":
            story += table_flowables(b, ps, width) + [Spacer(1, 6)]
        else:
            style = {"title": ps.title, "h1": ps.h1, "h2": ps.h2}.get(b.kind, ps.body)
            story.append(ps.para(b.text, style))
    draw = furniture(title, ch.pick(list(FOOTERS)), ch.chance(0.6))
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
