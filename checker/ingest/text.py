"""Plain-text reader: UTF-8 (with or without BOM) or GB18030, detected, not assumed.

Form feeds (\\f) are page breaks, as `pdftotext` writes them; without them the whole
text is page 1 and marked approximate.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Document, Line


def decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("input.encoding", f"{source} 既不是 UTF-8 也不是 GB18030 编码的文本，请另存为 UTF-8 后再检查。")


def read(path: Path) -> Document:
    content = decode(path.read_bytes(), str(path))
    if "\x00" in content:
        raise InputError("input.binary", f"{path} 看起来是二进制文件，不是文本报告。")
    pages = content.split("\f")
    lines = [Line(i, raw.rstrip("\r")) for i, page in enumerate(pages, 1) for raw in page.split("\n")]
    if not any(l.text.strip() for l in lines):
        raise InputError("input.no-text", f"{path} 中没有文字内容。")
    return Document(str(path), "txt", lines, page_count=len(pages), pages_approximate=len(pages) == 1)
