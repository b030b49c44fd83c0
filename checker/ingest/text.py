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


def pipe_tables(lines: list[Line]) -> list[Table]:
    """Tables exported as text with "|" between cells.

    Two shapes occur: a row per line ("a | b | c |"), and a cell per line ("a |") with a
    line holding only "|" between rows.
    """
    tables: list[Table] = []
    rows: list[list[str]] = []
    cells: list[str] = []
    page = 1

    def close_table():
        nonlocal rows
        if len(rows) >= 2:
            tables.append(Table(page, rows))
        rows = []

    for line in lines:
        text = line.text.strip()
        if text == "|":
            if cells:
                rows.append(cells)
                cells = []
            continue
        if text.count("|") >= 2:
            if not rows:
                page = line.page
            parts = [c.strip() for c in text.split("|")]
            while parts and parts[-1] == "":
                parts.pop()
            if text.startswith("|") and parts and parts[0] == "":
                parts.pop(0)  # Markdown-style row: "| a | b |"
            rows.append(parts)
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
