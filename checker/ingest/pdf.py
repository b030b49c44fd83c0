"""PDF reader: pdfplumber page by page, with the CJK settings from our measurements.

* x_tolerance_ratio scales the word gap with font size, so letter-spaced CJK text does not
  come out as "关 于 2 0 2 3".
* dedupe_chars (fake bold) is quadratic, so it runs only on pages that have duplicates.
* pages whose text is "(cid:NN)" (fonts without ToUnicode) are read again with pypdfium2.
* each page is closed after use: pdfplumber caches grow with pages otherwise.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..model import Document, Line, Table

TEXT_SETTINGS = {"x_tolerance_ratio": 0.6}
TABLE_SETTINGS = {"text_x_tolerance_ratio": 0.6}
CID = re.compile(r"\(cid:\d+\)")


def _has_duplicate_chars(page) -> bool:
    seen = set()
    for ch in page.chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key in seen:
            return True
        seen.add(key)
    return False


def _pdfium_text(path: Path, index: int) -> str:
    try:
        import pypdfium2
    except ImportError:
        return ""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return pdf[index].get_textpage().get_text_range().replace("\r\n", "\n")
    finally:
        pdf.close()


def _cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's errors in PdfminerException(original)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
    return inner or exc.__context__ or exc


def _input_error(path: Path, exc: BaseException) -> InputError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = _cause(exc)
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(cause).lower():
        return InputError("input.encrypted", f"{path} 是加密的 PDF（需要打开密码），无法读取文字。请向报送单位索取未加密的版本，或用密码解除保护后再检查。")
    return InputError("input.bad-pdf", f"{path} 不是完整可读的 PDF 文件（{type(cause).__name__}）。文件可能已损坏或未下载完整，请重新获取或重新导出。")


def _open(path: Path):
    import pdfplumber

    try:
        return pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many ad-hoc types on damaged files
        raise _input_error(path, exc) from exc


def _read_page(path: Path, page, index: int) -> tuple[str, list[Table]]:
    if _has_duplicate_chars(page):
        page = page.dedupe_chars(tolerance=1)
    text = page.extract_text(**TEXT_SETTINGS) or ""
    if CID.search(text):
        text = _pdfium_text(path, index) or CID.sub("", text)
    tables = []
    if page.rects or page.lines:  # ruled tables only; text-position tables are found later
        for rows in page.extract_tables(TABLE_SETTINGS):
            tables.append(Table(index + 1, rows))
    return text, tables


def read(path: Path) -> Document:
    lines: list[Line] = []
    tables: list[Table] = []
    with _open(path) as pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise _input_error(path, exc) from exc
        count = len(pages)
        if count == 0:
            raise InputError("input.empty", f"{path} 是没有页面的 PDF。")
        for index, page in enumerate(pages):
            try:
                text, page_tables = _read_page(path, page, index)
            except Exception as exc:
                err = _input_error(path, exc)
                if err.code == "input.bad-pdf":
                    err = InputError("input.bad-pdf", f"{path} 第 {index + 1} 页无法读取（{type(_cause(exc)).__name__}）。文件可能已损坏，请重新导出。")
                raise err from exc
            finally:
                page.close()
            lines.extend(Line(index + 1, t) for t in text.split("\n"))
            tables.extend(page_tables)
    if not any(l.text.strip() for l in lines):
        raise InputError(
            "input.no-text-layer",
            f"{path} 没有文字层（可能是扫描件）。请索取由 Word/WPS 直接导出的 PDF，或先做文字识别（OCR）。",
        )
    return Document(str(path), "pdf", lines, tables, page_count=count)
