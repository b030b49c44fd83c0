"""Normalised running text of a document, with a map back to pages for evidence.

* NFKC first: full-width digits and punctuation become ASCII (１０６２．７８ -> 1062.78,
  （一） -> (一)), so patterns are written once.
* page furniture (page numbers such as "— 3 —", "第 3 页 共 9 页") is dropped;
* lines are joined without a separator (Chinese text wraps anywhere), except after a
  heading, so a heading never runs into the paragraph below it;
* spaces next to a Chinese character are removed ("2023 年" -> "2023年",
  "1,422.84 万元" -> "1,422.84万元"); spaces between Latin words are kept.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from functools import lru_cache
import unicodedata
from dataclasses import dataclass

from ..model import Document, Evidence
from .lexicon import words

CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’、，。；：！？（）《》【】"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")
# a stray space after a decimal point in PDF text ("682. 66万元"); only before a unit, so the cells of a
# space-separated table ("10 8.62") and list ordinals ("1. 5个") are left apart
_SPACE_IN_DECIMAL = re.compile(r"(?<=\d\.)\s+(?=\d{1,4}\s*(?:亿元|万元|千元|元|%))")
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:[-—–_·•\s]*\d{1,4}[-—–_·•\s]*|第\s*\d+\s*页(?:\s*[,/，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
# heading ordinals by level: 第一部分 (0), 一、/一. (1), （一） (2), 1. / 1、 / 1.2 (3); NFKC made 一． an 一.
HEADING_LEVELS = (
    (0, re.compile(r"^第[一二三四五六七八九十]+[章节部分]")),
    (1, re.compile(r"^[一二三四五六七八九十]+[、.]")),
    (2, re.compile(r"^[(（][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"^\d+(?:\.\d+)*[、.](?!\d)")),
)
HEADING = re.compile("|".join(f"(?:{rx.pattern[1:]})" for _, rx in HEADING_LEVELS).join(("^(?:", ")")))
# "一 部门基本情况" loses its space next to Chinese characters: a short line with no sentence punctuation
# that starts with a numeral and names a section is a heading too ("一些问题" is a phrase, not an ordinal)
_BARE_ORDINAL = re.compile(r"^[一二三四五六七八九十]{1,3}(?![些般直是方定致体起切同样旦])[\u4e00-\u9fff]")
BARE_HEADING_CHARS = 30
SENTENCE_END = "。；;！？!?\n"


# Chinese punctuation is kept as written so quotes read like the report; NFKC would turn
# "，" into "," (confusable with a thousands separator) and "（" into "(".
_KEEP = frozenset("，；：（）！？①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")  # circled ordinals too: NFKC makes ① a bare 1
# Traditional characters (web copies and forms from Hong Kong, Macao, Taiwan or old systems mix them in)
# read as simplified: zhconv's zh-hans table (MediaWiki's conversion data), one character for one, only
# for characters a simplified text never uses (not in GB2312), so 乾隆 or 显著 stay as written; 後 and
# 於 are in GB2312 but stand for 后 and 于 in any report of this genre.
ALSO_TRADITIONAL = {"後": "后", "於": "于"}


def _in_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


@lru_cache(maxsize=1)
def _traditional_table() -> dict[int, str]:
    from zhconv.zhconv import getdict  # loads its table (0.2 s): only for a text that needs it

    pairs = {t: s for t, s in getdict("zh-hans").items() if len(t) == len(s) == 1 and t != s and not _in_gb2312(t)}
    return str.maketrans({**pairs, **ALSO_TRADITIONAL})


@lru_cache(maxsize=16384)  # table cells and page furniture repeat: each distinct text is checked once
def simplified(text: str) -> str:
    """The text with its traditional characters read as simplified (table cells use it too)."""
    if _in_gb2312(text) and not any(ch in text for ch in ALSO_TRADITIONAL):
        return text
    return text.translate(_traditional_table())
# OCR reads "7,938.27" as "7.938.27": a dot before exactly three digits and another dot is a separator
_DOTTED_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{3})\.(\d{1,2})(?![\d.])")
_FULLWIDTH_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")


def normalise(text: str) -> str:
    if not text.isascii():
        text = "".join(ch if ch in _KEEP else unicodedata.normalize("NFKC", ch) for ch in text)
    text = simplified(text.replace("\u00a0", " "))
    text = _FULLWIDTH_THOUSANDS.sub(",", text)
    text = _DOTTED_THOUSANDS.sub(r"\1,\2.\3", text)
    # NFKC keeps the curly quotes and ideographic punctuation we match on; unify dashes
    text = text.replace("−", "-").replace("–", "-")
    text = _SPACE_IN_DECIMAL.sub("", text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return text.strip()


def heading_level(heading: str) -> int:
    """The level of a heading's ordinal; a bare numeral (一部门基本情况, its space lost) is level 1."""
    for level, pattern in HEADING_LEVELS:
        if pattern.match(heading):
            return level
    return 1 if _BARE_ORDINAL.match(heading) else 3


def is_heading(line: str) -> bool:
    if HEADING.match(line):
        return len(line) <= 60
    return (len(line) <= BARE_HEADING_CHARS and bool(_BARE_ORDINAL.match(line))
            and not re.search(r"[，,。；;]", line) and any(w in line for w in words("heading_words")))


@dataclass
class Flow:
    """The document as one string; `page_at` and `quote` give evidence for any span."""

    text: str
    starts: list[int]  # flow offset where each kept line starts
    pages: list[int]  # page of each kept line
    headings: list[tuple[int, str, int]]  # (offset, heading text, page)
    lines: list[tuple[str, int]]  # kept lines (normalised) with their pages
    normalised: list[tuple[str, int]] = dataclasses.field(default_factory=list)  # every line, before furniture
    furniture: set[str] = dataclasses.field(default_factory=set)  # running headers and footers (edge keys)
    _sentence_ends: list[int] | None = None

    @functools.cached_property
    def heading_starts(self) -> list[int]:
        """Where each heading starts, in text order (for bisecting which section an offset is in)."""
        return [at for at, _, _ in self.headings]

    def page_at(self, offset: int) -> int:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.pages[max(i, 0)] if self.pages else 1

    def sentence_bounds(self, start: int, end: int | None = None) -> tuple[int, int]:
        """The sentence around [start, end]; sentence ends are indexed once (long reports)."""
        end = start if end is None else end
        ends = self._ends()
        i = bisect.bisect_left(ends, start)
        left = ends[i - 1] + 1 if i else 0
        j = bisect.bisect_left(ends, end)
        right = ends[j] + 1 if j < len(ends) else len(self.text)
        return left, right

    def _ends(self) -> list[int]:
        if self._sentence_ends is None:
            self._sentence_ends = [i for i, ch in enumerate(self.text) if ch in SENTENCE_END]
        return self._sentence_ends

    def quote(self, start: int, end: int | None = None, limit: int = 160) -> Evidence:
        """The sentence around a span, trimmed to `limit` characters around the span."""
        left, right = self.sentence_bounds(start, end)
        end = start if end is None else end
        if right - left > limit:
            left = max(left, start - limit // 2)
            right = min(right, max(end, start) + limit // 2)
        return Evidence(self.page_at(start), self.text[left:right].strip())

    def span_evidence(self, start: int, end: int) -> Evidence:
        return Evidence(self.page_at(start), self.text[start:end].strip())


def _wrap_width(lines: list[str]) -> int:
    """Typical length of a full (wrapped) line: a heading shorter than it ended there."""
    lengths = sorted(len(t) for t in lines if len(t) >= 12)
    return lengths[int(len(lengths) * 0.75)] if lengths else 10_000


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def running_lines(lines: list[tuple[str, int]]) -> set[str]:
    """Headers and footers: lines at the top or bottom of at least half the pages (3 or more)."""
    pages: dict[int, list[str]] = {}
    for text, page in lines:
        pages.setdefault(page, []).append(text)
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for texts in pages.values():
        for key in {_edge_key(t) for t in texts[:2] + texts[-2:]}:
            counts[key] = counts.get(key, 0) + 1
    return {k for k, c in counts.items() if c >= max(3, len(pages) / 2)}


def body_lines(doc: Document, flow: "Flow | None" = None) -> list:
    """The document's lines without page furniture (running headers and footers, page numbers);
    the flow built from the same document saves normalising them again."""
    from ..model import Line

    if flow is None:
        flow = build_flow(doc)
    kept, furniture = flow.normalised, flow.furniture
    if doc.page_count < 2:
        return [Line(p, t) for t, p in kept]  # a text without page breaks has no furniture

    def at_edge(i: int, depth: int) -> bool:  # furniture stands at the top or bottom of a page
        page = kept[i][1]
        return i < depth or kept[i - depth][1] != page or i + depth >= len(kept) or kept[i + depth][1] != page

    # a page number is a page's first or last line; elsewhere "12" is a table cell
    return [Line(p, t) for i, (t, p) in enumerate(kept)
            if not (at_edge(i, 1) and _PAGE_FURNITURE.match(t) or at_edge(i, 2) and _edge_key(t) in furniture)]


def build_flow(doc: Document) -> Flow:
    normalised = [(t, line.page) for line in doc.lines if (t := normalise(line.text))]
    furniture = running_lines(normalised)  # counted with page numbers still in place: they mark the edges
    kept = [(t, p) for t, p in normalised if not _PAGE_FURNITURE.match(t) and _edge_key(t) not in furniture]
    width = _wrap_width([t for t, _ in kept])
    parts: list[str] = []
    starts: list[int] = []
    pages: list[int] = []
    headings: list[tuple[int, str, int]] = []
    offset = 0
    for text, page in kept:
        heading = is_heading(text)
        table_row = text.count("|") >= 2 or text.endswith("|")  # a row of a text table stands alone
        if (heading or table_row) and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
            offset += 1
        starts.append(offset)
        pages.append(page)
        if heading:
            headings.append((offset, text, page))
        complete = table_row or heading and (len(text) < width * 0.85 or text[-1] in "。：:；;")
        text = text + "\n" if complete else text
        if parts and parts[-1][-1:].isascii() and parts[-1][-1:].isalnum() and text[:1].isascii() and text[:1].isalnum():
            text = " " + text  # "132.912" wrapped before "132.912": two figures, not one
        parts.append(text)
        offset += len(text)
    return Flow("".join(parts), starts, pages, headings, kept, normalised, furniture)


# ---------------------------------------------------------------- wrapped lines

_CLOSED = tuple("。；;！？!?")


_CJK_CHAR = re.compile(rf"[{CJK}]")


def _joiner(left: str, right: str) -> str:
    """Chinese wraps anywhere (nothing lost at the break); elsewhere the break stood for a space."""
    return "" if _CJK_CHAR.match(left[-1:]) and _CJK_CHAR.match(right[:1]) else " "


def logical_lines(doc: Document) -> list:
    """PDF lines wrapped at the right margin joined back into the line the author typed.

    Table rows typed as text ("a | b | c", or spreadsheet cells separated by spaces) wrap like
    prose in a PDF; their readers need the whole row. The PDF reader marks a line that reaches
    the right margin (`Line.wraps`); it goes on in the next line of the same page, unless it ends
    a sentence or is a row padded with empty cells ("… | 90 | ||").

    A row ending in "|" at the margin may be whole, or go on with its next cell. It is joined only
    while the result is no wider than the rows whose wrapping is certain (plus two columns: a
    header may have a column or two more than its rows).
    """
    certain = _join(doc.lines, lambda carry, text: not carry.endswith("|"))
    widest = max((l.text.count("|") for l in certain), default=0) + 2
    return _join(doc.lines, lambda carry, text: not carry.endswith("|") or carry.count("|") + text.count("|") <= widest)


def _join(lines, may_join) -> list:
    from ..model import Line

    out: list = []
    carry = None
    for line in lines:
        text = line.text.strip(" \r\n\u3000")  # tabs stay: a tab-separated row's leading empty cells are its merged ones
        if (carry is not None and carry.page == line.page and text and not _PAGE_FURNITURE.match(text)
                and may_join(carry.text, text)):
            carry = Line(carry.page, carry.text + _joiner(carry.text, text) + text, line.wraps)
        else:
            if carry is not None:
                out.append(carry)
            carry = Line(line.page, text, line.wraps)
        if not carry.wraps or carry.text.endswith(_CLOSED) or re.search(r"\|\s*\|$", carry.text):
            out.append(carry)
            carry = None
    if carry is not None:
        out.append(carry)
    return out
