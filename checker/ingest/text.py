"""Plain-text reader: UTF-8 (with or without BOM) or GB18030, detected, not assumed.

Form feeds (\\f) are page breaks, as `pdftotext` writes them; without them the whole
text is page 1 and marked approximate.
"""
from __future__ import annotations

import re

from pathlib import Path

from ..errors import InputError
from ..model import Document, Line, Table


def decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("input.encoding", f"{source} 既不是 UTF-8 也不是 GB18030 编码的文本，请另存为 UTF-8 后再检查。")


def _cells(text: str, markdown: bool) -> list[str]:
    parts = [c.strip() for c in text.split("|")]
    while parts and parts[-1] == "":
        parts.pop()
    if markdown and parts and parts[0] == "":
        parts.pop(0)  # Markdown-style row: "| a | b |"
    return parts


def _rows(raw: list) -> list[list[str]]:
    """Row lines as cells. Where every row line starts with "|" the table is Markdown-style; otherwise a
    row starting with "|" has an empty first cell (a merged level-1 cell the rows below leave out)."""
    lines = [r for r in raw if isinstance(r, str)]
    markdown = all(r.startswith("|") for r in lines)
    return [_cells(r, markdown) if isinstance(r, str) else r for r in raw]


PAGE_BREAK_LINES = 3  # footer and running title lines a table's rows may have between them at a page break


def _at_page_break(lines: list[Line], at: int) -> bool:
    """Whether the text line at `at` stands between the last rows of one page and the first "|" row of
    the next, with no more than a page's furniture (a number, a running title) between them."""
    for ahead in range(at + 1, min(at + PAGE_BREAK_LINES + 1, len(lines))):
        if lines[ahead].text.count("|") >= 2:
            return lines[ahead].page > lines[at - 1].page if at else False
    return False


def pipe_tables(lines: list[Line]) -> list[Table]:
    """Tables exported as text with "|" between cells.

    Two shapes occur: a row per line ("a | b | c |"), and a cell per line ("a |") with a
    line holding only "|" between rows. In a table whose header closes with "|", a row line that does
    not close, or closes short of the header's cells, was wrapped: the next line goes on with it.
    """
    tables: list[Table] = []
    rows: list = []  # row lines as typed (str), or cells read one per line (list)
    cells: list[str] = []
    page = 1

    def close_table():
        nonlocal rows
        if len(rows) >= 2:
            tables.append(Table(page, _rows(rows)))
        rows = []

    def wrapped(text: str) -> bool:
        """Whether `text` goes on with the last row: that row's line does not close, or it closes short
        of the header's cells and `text` holds no more cells than it lacks."""
        if not rows or cells or not all(isinstance(r, str) for r in (rows[0], rows[-1])):
            return False
        header, last = rows[0], rows[-1]
        if len(rows) == 1:  # the header wrapped: its last cells close it on the next line
            return not header.endswith("|") and text.endswith("|") and text.count("|") <= max(2, header.count("|") // 2)
        if not header.endswith("|") or "|" not in text:
            return False
        # a row closed short of the header's cells, and this line's cells no more than it lacks
        # a line with the header's cells is a row of its own, and so is one with more cells than the row lacks
        fits = last.count("|") + text.count("|") <= header.count("|")
        short = last.count("|") < header.count("|")
        return (not last.endswith("|") and short and fits) or (fits and text.endswith("|"))

    for at, line in enumerate(lines):
        text = line.text.strip()
        if text == "|":
            if cells:
                rows.append(cells)
                cells = []
            continue
        if wrapped(text):
            rows[-1] += text
            continue
        if text.count("|") >= 2:
            if not rows:
                page = line.page
            rows.append(text)
            continue
        if text.endswith("|") and text.count("|") == 1:
            if not rows and not cells:
                page = line.page
            cells.append(text[:-1].strip())
            continue
        if rows and not cells and _at_page_break(lines, at):
            continue  # a page's footer or running title between two rows: the table goes on
        if cells:
            rows.append(cells)
            cells = []
        if text:
            close_table()
    if cells:
        rows.append(cells)
    close_table()
    return tables


# a report saved as Markdown: "# 标题" is the title line, "- 项目名称：…" a field (not "- 2 -", a page number)
_MARKDOWN_HEADING = re.compile(r"^(?:#{1,6}\s+|\s*[-*]\s+(?=[\u4e00-\u9fff]))")


def read(path: Path) -> Document:
    content = decode(path.read_bytes(), str(path))
    if "\x00" in content:
        raise InputError("input.binary", f"{path} 看起来是二进制文件，不是文本报告。")
    pages = content.split("\f")
    lines = [Line(i, _MARKDOWN_HEADING.sub("", raw.rstrip("\r"))) for i, page in enumerate(pages, 1)
             for raw in page.split("\n")]
    if not any(l.text.strip() for l in lines):
        raise InputError("input.no-text", f"{path} 中没有文字内容。")
    return Document(str(path), "txt", lines, pipe_tables(lines), page_count=len(pages),
                    pages_approximate=len(pages) == 1)
