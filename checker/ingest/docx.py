"""Word (.docx) reader via python-docx: paragraphs and tables in body order.

Word files have no fixed pages; explicit page breaks are honoured and the page numbers
are marked approximate.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError
from ..model import Document, Line, Table


MAIN_PART = "word/document.xml"
# the main part of the other Office Open XML files, so a renamed one is named for what it is
OTHER_OFFICE_PARTS = {"xl/workbook.xml": "Excel 表格", "ppt/presentation.xml": "PowerPoint 演示文稿"}
RESAVE = "请用 Word/WPS 打开原文件后另存为 .docx 或 PDF 再检查。"


def bad_docx(path: Path, what: str) -> InputError:
    return InputError("input.bad-docx", f"{path} 无法作为 Word 文档读取：{what}。{RESAVE}")


def _check_package(path: Path) -> None:
    """A .docx is a zip holding word/document.xml: say which of the two a file is not."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise bad_docx(path, "文件已损坏，不是完整的压缩包（常见原因：下载或复制没有完成）") from None
    if MAIN_PART not in names:
        kind = next((k for part, k in OTHER_OFFICE_PARTS.items() if part in names), None)
        raise bad_docx(path, f"它是{kind}，不是 Word 文档" if kind else "它是一个压缩包，但里面没有 Word 文档的正文")


def read(path: Path) -> Document:
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
        from lxml.etree import XMLSyntaxError
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise InputError("input.docx-unavailable", "读取 .docx 需要 python-docx：pip install python-docx") from exc
    _check_package(path)
    try:
        d = docx.Document(str(path))
    except (PackageNotFoundError, XMLSyntaxError, KeyError, ValueError, AttributeError, zipfile.BadZipFile):
        # python-docx meets a part it cannot parse (its errors are about package internals)
        raise bad_docx(path, "文档内部结构损坏或不完整") from None
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
