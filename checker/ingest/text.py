"""Plain-text reader: UTF-8 (with or without BOM) or GB18030, detected, not assumed.

Form feeds (\\f) are page breaks, as `pdftotext` writes them; without them the whole
text is page 1 and marked approximate.
"""
from __future__ import annotations

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
        of the header's cells and `text` is one closing cell."""
        if len(rows) < 2 or cells or not all(isinstance(r, str) for r in (rows[0], rows[-1])):
            return False
        header, last = rows[0], rows[-1]
        if not header.endswith("|") or "|" not in text:
            return False
        return not last.endswith("|") or (last.count("|") < header.count("|") and text.count("|") == 1
                                            and text.endswith("|"))

    for line in lines:
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
        if cells:
            rows.append(cells)
            cells = []
        if text:
            close_table()
    if cells:
        rows.append(cells)
    close_table()
    return tables


def read(path: Path) -> Document:
    content = decode(path.read_bytes(), str(path))
    if "\x00" in content:
        raise InputError("input.binary", f"{path} 看起来是二进制文件，不是文本报告。")
    pages = content.split("\f")
    lines = [Line(i, raw.rstrip("\r")) for i, page in enumerate(pages, 1) for raw in page.split("\n")]
    if not any(l.text.strip() for l in lines):
        raise InputError("input.no-text", f"{path} 中没有文字内容。")
    return Document(str(path), "txt", lines, pipe_tables(lines), page_count=len(pages),
                    pages_approximate=len(pages) == 1)
