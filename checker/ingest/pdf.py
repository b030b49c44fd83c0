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
from .borderless import Borderless

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


_LEADING_WORD = re.compile(r"[!-~]+")
_ENDS = tuple("。；;！？!?：:|")


def _first_word_width(text: str) -> float:
    """Width in ems of what the next line starts with: one Chinese character, or a whole Latin or
    number run (typesetters do not break those)."""
    m = _LEADING_WORD.match(text)
    return 0.55 * len(m.group()) + 0.3 if m else 1.0


def _right_margin(found: list[dict]) -> float:
    """Where the body text's lines end: the rightmost line in the body's type size (a running
    header in small type may run past the margin)."""
    sizes = [round(l["bottom"] - l["top"]) for l in found]
    body = max(set(sizes), key=sizes.count)
    return max(l["x1"] for l, size in zip(found, sizes) if size == body)


def _found_lines(page) -> list[dict]:
    return page.extract_text_lines(return_chars=False, **TEXT_SETTINGS)


def _text_lines(page, index: int) -> list[Line]:
    """The page's lines (see `_wrapped`)."""
    found = _found_lines(page)
    return _wrapped(found, index, _right_margin(found)) if found else []


def _wrapped(found: list[dict], index: int, right: float) -> list[Line]:
    """Lines as Line objects. A line wraps (the author's line or table row goes on in the next one)
    when the next line's first word would not have fitted before the page's right margin `right`."""
    lines: list[Line] = []
    for here, after in zip(found, found[1:] + [None]):
        em = here["bottom"] - here["top"]
        room = (right - here["x1"]) / em if em > 0 else 99
        # a paragraph goes on in the same type size (a small running header is not continued by the title)
        same_size = after is not None and abs((after["bottom"] - after["top"]) - em) < 0.5
        wraps = same_size and room < _first_word_width(after["text"]) + 0.5
        # inside a wrapped paragraph a typesetter may break at a space a little short of the margin
        going_on = same_size and lines and lines[-1].wraps and room < 3 and not here["text"].rstrip().endswith(_ENDS)
        lines.append(Line(index + 1, here["text"], bool(wraps or going_on)))
    return lines


def _plain_lines(text: str, index: int) -> list[Line]:
    return [Line(index + 1, t) for t in text.split("\n")]


def _checked(path: Path, index: int, lines: list[Line]) -> list[Line]:
    """Pages whose fonts lack ToUnicode come out as "(cid:NN)": read them with pypdfium2."""
    if not any(CID.search(l.text) for l in lines):
        return lines
    text = _pdfium_text(path, index) or CID.sub("", "\n".join(l.text for l in lines))
    return _plain_lines(text, index)


def _read_page(path: Path, page, index: int, borderless: Borderless | None = None) -> tuple[list[Line], list[Table]]:
    if _has_duplicate_chars(page):
        page = page.dedupe_chars(tolerance=1)
    found = page.find_tables(TABLE_SETTINGS) if (page.rects or page.lines) else []  # ruled tables
    if not found:  # an indicator table may be printed without rules: read from its words' places
        lines = _checked(path, index, _text_lines(page, index))
        worth = borderless is not None and borderless.worth_reading([line.text for line in lines])
        return lines, (borderless.read(page, index + 1) if worth else [])
    if borderless:
        borderless.carry = None  # a ruled table between: a borderless one does not go on past it
    # text around the tables in reading order; each table as "cell | cell |" lines, because
    # the page text of a table interleaves the lines of wrapped cells
    segments: list = []  # ("text", lines found in the band between tables) or ("table", its rows)
    tables, top = [], 0.0
    for table in sorted(found, key=lambda t: t.bbox[1]):
        x0, t_top, x1, t_bottom = table.bbox
        if t_top > top:
            segments.append(("text", _found_lines(page.crop((0, top, page.width, t_top)))))
        rows = table.extract(**{k.replace("text_", "", 1): v for k, v in TABLE_SETTINGS.items()})
        boxes = [[tuple(round(v, 1) for v in c) if c else None for c in row.cells] for row in table.rows]
        tables.append(Table(index + 1, rows, boxes))
        segments.append(("table", [Line(index + 1, " | ".join(_cell(c) for c in row) + " |") for row in rows]))
        top = max(top, t_bottom)
    if top < page.height:
        segments.append(("text", _found_lines(page.crop((0, top, page.width, page.height)))))
    # the right margin is the page's (its text and its tables, which span the text width), not that
    # of a few short lines between two tables
    text = [line for kind, segment in segments if kind == "text" for line in segment]
    right = max(([_right_margin(text)] if text else []) + [t.bbox[2] for t in found])
    lines: list[Line] = []
    for kind, segment in segments:
        lines += _wrapped(segment, index, right) if kind == "text" else segment
    return _checked(path, index, lines), tables


def _cell(value) -> str:
    return " ".join(str(value or "").split())


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
        borderless = Borderless()
        for index, page in enumerate(pages):
            try:
                page_lines, page_tables = _read_page(path, page, index, borderless)
            except Exception as exc:
                err = _input_error(path, exc)
                if err.code == "input.bad-pdf":
                    err = InputError("input.bad-pdf", f"{path} 第 {index + 1} 页无法读取（{type(_cause(exc)).__name__}）。文件可能已损坏，请重新导出。")
                raise err from exc
            finally:
                page.close()
            lines.extend(page_lines)
            tables.extend(page_tables)
    if not any(l.text.strip() for l in lines):
        from .ocr import read_scanned

        return read_scanned(path, count)  # or a clear error naming what to install
    return Document(str(path), "pdf", lines, tables, page_count=count)
