"""Ingest: turn a file into a Document (lines and tables with page numbers).

Chooses the reader by the file's content (magic bytes), not only by its suffix, so a
non-PDF renamed `.pdf` gets a clear error instead of a parser traceback.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Document
from . import pdf, text, docx

SUPPORTED = (".pdf", ".txt", ".docx")
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # Compound File: .doc, and Office files saved with a password


def load(path: str | Path) -> Document:
    p = Path(path)
    if not p.exists():
        raise InputError("input.not-found", f"找不到文件：{p}。请检查路径是否正确。")
    if p.is_dir():
        raise InputError("input.is-directory", f"{p} 是文件夹，不是报告文件。")
    if p.stat().st_size == 0:
        raise InputError("input.empty", f"{p} 是空文件（0 字节），请重新导出报告。")
    head = p.read_bytes()[:8]
    suffix = p.suffix.lower()
    if head.startswith(b"%PDF"):
        return pdf.read(p)
    if suffix == ".pdf":
        raise InputError(
            "input.not-pdf",
            f"{p} 的扩展名是 .pdf，但内容不是 PDF 文件。请确认文件未损坏，或用原软件重新导出为 PDF。",
        )
    if head.startswith(b"PK"):
        if suffix in (".docx", ".zip", ""):
            return docx.read(p)
        raise InputError("input.unsupported", f"{p} 不是可读取的报告格式。支持：PDF、.docx、.txt。")
    if suffix == ".docx":  # a Word document is a zip: this is something else named .docx
        what = ("它是旧版 Word (.doc) 或加密的 Word 文件，只是扩展名为 .docx" if head.startswith(OLE_MAGIC)
                else "内容不是 Word 文档（.docx 文件应是一个压缩包）")
        raise docx.bad_docx(p, what)
    if suffix in (".txt", ".text", ".md", ""):
        return text.read(p)
    if suffix == ".doc":
        raise InputError("input.unsupported", f"{p} 是旧版 Word (.doc) 文件，请在 Word/WPS 中另存为 .docx 或 PDF 后再检查。")
    raise InputError("input.unsupported", f"不支持的文件类型：{p.suffix or '(无扩展名)'}。支持：PDF、.docx、.txt。")
