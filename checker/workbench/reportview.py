"""A report's text with its facts marked: each page cut into segments, a segment carrying the facts
whose quotation covers it. Plain data; the template escapes every character of it (report text is
untrusted)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")


@dataclass
class Segment:
    text: str
    facts: list[int] = field(default_factory=list)  # indices into the report's fact list


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text without white space, and for each kept character its index in `text`."""
    kept, where = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            kept.append(ch)
            where.append(i)
    return "".join(kept), where


def locate(page_text: str, quote: str) -> tuple[int, int] | None:
    """Where a quotation stands in a page: as written, or across line breaks and spaces."""
    quote = quote.strip()
    if not quote:
        return None
    at = page_text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    squeezed, where = _squeezed(page_text)
    target = _SPACE.sub("", quote)
    at = squeezed.find(target) if target else -1
    if at < 0:
        return None
    return where[at], where[at + len(target) - 1] + 1


def segments(page_text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """Cut the page at every span boundary; each piece lists the facts (span[2]) covering it."""
    cuts = sorted({0, len(page_text), *[s for s, _, _ in spans], *[e for _, e, _ in spans]})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = sorted({fact for s, e, fact in spans if s <= a and b <= e})
        if out and out[-1].facts == covering:
            out[-1].text += page_text[a:b]
        else:
            out.append(Segment(page_text[a:b], covering))
    return out


def pages_with_facts(lines, facts: list[dict]) -> tuple[list[dict], set[int]]:
    """Every page's segments, and the facts that could be placed in the text."""
    pages: dict[int, list[str]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line.text)
    placed: set[int] = set()
    out = []
    for number in sorted(pages):
        text = "\n".join(pages[number])
        spans = []
        for index, fact in enumerate(facts):
            for ev in fact["evidence"]:
                if ev["page"] == number and (span := locate(text, ev["text"])) is not None:
                    spans.append((*span, index))
                    placed.add(index)
        out.append({"page": number, "segments": [vars(s) for s in segments(text, spans)]})
    return out, placed
