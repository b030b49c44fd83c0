"""Word (.docx) reader via python-docx: paragraphs and tables in body order.

Word files have no fixed pages; explicit page breaks are honoured and the page numbers
are marked approximate.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError
from ..model import Document, Line, Table


def read(path: Path) -> Document:
    try:
        import docx  # python-docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise InputError("input.docx-unavailable", "读取 .docx 需要 python-docx：pip install python-docx") from exc
    try:
        d = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError("input.bad-docx", f"{path} 不是有效的 .docx 文件（{exc}）。请用 Word/WPS 重新保存。") from exc
    page, lines, tables = 1, [], []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, d)
            if 'w:br w:type="page"' in child.xml or "<w:lastRenderedPageBreak" in child.xml:
                page += 1 if lines else 0
            lines.append(Line(page, para.text))
        elif tag == "tbl":
            rows = [[cell.text for cell in row.cells] for row in DocxTable(child, d).rows]
            tables.append(Table(page, rows))
            lines.extend(Line(page, "  ".join(c for c in row if c)) for row in rows)
    if not any(l.text.strip() for l in lines):
        raise InputError("input.no-text", f"{path} 中没有文字内容。")
    return Document(str(path), "docx", lines, tables, page_count=page, pages_approximate=True)
