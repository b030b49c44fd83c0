"""Evidence you can open: the region of the PDF page a finding quotes, as an embedded image.

For each error and warning from a PDF, the quoted figure (or the start of the quote) is found
on its page with pdfplumber's search, the band of the page around it is cropped and
rendered (pypdfium2 under pdfplumber), and embedded as a data: URI, so the HTML stays one
self-contained file. Failures only mean no image: the quote and page number are still there.
"""
from __future__ import annotations

import base64
import io
import logging
import re
from functools import lru_cache
from pathlib import Path

from ..model import ReportResult

MAX_IMAGES = 20
RESOLUTION = 110
_QUOTED = re.compile(r"“([^”]*\d[^”]*)”")
_FIGURE = re.compile(r"[-\d,.]+\s*(?:%|万元|亿元|元|分|个)?")  # a quoted figure, not the quote's opening words


SHARED_WORDS = 2  # words the message and the quotation share, boxed when the message quotes no figure
SHARED_MIN = 3  # ... of at least this many characters


def _shared_words(message: str, quote: str) -> list[str]:
    """The longest runs of characters the message and the quotation have in common ("产出指标", "质量指标"):
    what a finding that quotes no figure is about, rather than the quotation's first words."""
    found: list[str] = []
    for size in range(min(len(message), 12), SHARED_MIN - 1, -1):
        for i in range(len(message) - size + 1):
            word = message[i:i + size]
            if word in quote and not any(word in f for f in found) and not re.search(r"[，。、：；\s]", word):
                found.append(word)
                if len(found) == SHARED_WORDS:
                    return found
    return found


def _needles(finding) -> list[str]:
    out = _QUOTED.findall(finding.message or "")
    if isinstance(finding.actual, str) and any(ch.isdigit() for ch in finding.actual):
        out.append(finding.actual)
    if finding.evidence:
        quote = finding.evidence[0].text
        if not out:
            out.extend(_shared_words(finding.message or "", quote))
        out.append(quote[:10])
    return [n for n in out if n]


def _whole_lines(page, top: float, bottom: float) -> tuple[float, float]:
    """The band [top, bottom] widened to whole text lines, so no line is cut through."""
    lines = page.extract_text_lines(return_chars=False)
    inside = [l for l in lines if l["bottom"] > top and l["top"] < bottom]
    if inside:
        top, bottom = min(l["top"] for l in inside), max(l["bottom"] for l in inside)
    return max(0, top - 4), min(page.height, bottom + 4)


def _search(page, needle: str) -> list[dict]:
    return page.search(needle, regex=False) or page.search(" ?".join(map(re.escape, needle)), regex=True)


def _crop_png(page, needles: list[str]) -> str | None:
    for i, needle in enumerate(needles):
        hits = _search(page, needle)
        if not hits:
            continue
        # the other figures the message quotes (e.g. the stated total beside the part) are boxed too
        # when they stand near the first one
        near = min(h["top"] for h in hits) - 80, max(h["bottom"] for h in hits) + 80
        # (and the words a figureless finding shares with its quotation; never the quotation's opening words)
        figures = [other for other in needles[i + 1:-1] if _FIGURE.fullmatch(other) or len(other) <= 12]
        figures += [needles[-1]] if i + 1 < len(needles) and _FIGURE.fullmatch(needles[-1]) else []
        hits += [h for other in figures for h in _search(page, other) if near[0] <= h["top"] <= near[1]]
        top, bottom = _whole_lines(page, min(h["top"] for h in hits) - 12, max(h["bottom"] for h in hits) + 12)
        image = page.crop((0, top, page.width, bottom)).to_image(resolution=RESOLUTION)
        for hit in hits:
            image.draw_rect((hit["x0"] - 2, hit["top"] - 2, hit["x1"] + 2, hit["bottom"] + 2),
                            fill=(255, 230, 0, 60), stroke=(200, 0, 0), stroke_width=2)
        buffer = io.BytesIO()
        image.annotated.save(buffer, format="PNG", optimize=True)
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return None


# A PDF that does not embed its Chinese font (many exports, the example too) is drawn with a font of the
# machine's; without one, pdfium draws the digits and leaves the characters out, silently. Such a page gets
# no image but this note: the quotation above it is the evidence.
NO_CJK_FONT_NOTE = "（此页使用未嵌入的中文字体，本机没有可替代的中文字体，无法生成页面截图；以上原文引用即为依据。）"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
             "C:/Windows/Fonts", "/System/Library/Fonts", "/Library/Fonts")
_CJK_FONT_FILE = re.compile(r"cjk|wqy|droidsansfallback|simsun|simhei|simkai|simfang|msyh|msjh|pingfang|hiragino"
                            r"|sourcehan|stheiti|songti|heiti|kaiti|fangsong|uming|ukai|noto\w*sc", re.IGNORECASE)


@lru_cache(maxsize=1)
def system_has_cjk_font() -> bool:
    """Does a font directory pdfium searches hold a Chinese font?"""
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir() and any(_CJK_FONT_FILE.search(p.name) for p in root.rglob("*") if p.is_file()):
            return True
    return False


def unembedded_cid_font(page) -> bool:
    """Does the page draw with a composite (CID, CJK) font whose glyphs the file does not carry?"""
    from pdfminer.pdftypes import resolve1

    fonts = resolve1((resolve1(page.page_obj.resources) or {}).get("Font")) or {}
    for ref in fonts.values():
        font = resolve1(ref)
        if font.get("DescendantFonts") is None:
            continue
        descendant = resolve1(resolve1(font["DescendantFonts"])[0])
        descriptor = resolve1(descendant.get("FontDescriptor")) or {}
        if not any(key in descriptor for key in ("FontFile", "FontFile2", "FontFile3")):
            return True
    return False


def evidence_images(result: ReportResult) -> dict[int, str]:
    """id(finding) -> data URI of the cropped page region, for PDF sources; or, where the page could not
    be drawn with its Chinese text, a note that says so (see NO_CJK_FONT_NOTE)."""
    path = Path(result.source)
    if result.status != "checked" or path.suffix.lower() != ".pdf" or not path.is_file():
        return {}
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    wanted = [f for f in result.findings if f.outcome == "fired" and f.severity in ("error", "warning") and f.evidence]
    out: dict[int, str] = {}
    try:
        import pdfplumber

        with pdfplumber.open(str(path)) as pdf:
            for finding in wanted[:MAX_IMAGES]:
                number = finding.evidence[0].page
                if not 1 <= number <= len(pdf.pages):
                    continue
                page = pdf.pages[number - 1]
                try:
                    if unembedded_cid_font(page) and not system_has_cjk_font():
                        uri = NO_CJK_FONT_NOTE
                    else:
                        uri = _crop_png(page, _needles(finding))
                finally:
                    page.close()
                if uri:
                    out[id(finding)] = uri
    except Exception:  # an image is a convenience: never fail the report for it
        return out
    return out
