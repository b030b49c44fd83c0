"""Typeset the Baiyun 2023 self-evaluation seed text as an example PDF.

The seed (examples/baiyun-2023.txt) is the text layer of a real report:
one already-wrapped line per non-empty line, with blank lines in between
as extraction artefacts, and a leading space on the first line of each
page of the original PDF. This script rebuilds a plausible A4 report from
it so perfcheck has a realistic, reproducible PDF to read.

Usage (from the repo root):
    python examples/make_example.py [--source TXT] [--output PDF] [--verify]
"""

import argparse
import re
import sys
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE / "baiyun-2023.txt"
DEFAULT_OUTPUT = HERE / "baiyun-2023.pdf"

TITLE = "广州市白云区政务服务数据管理局2023年部门整体支出绩效自评报告"
AUTHOR = "广州市白云区政务服务数据管理局"

# reportlab ships exactly one Simplified Chinese CID font; CID fonts are
# never embedded, so the PDF stays small and needs no font files.
FONT = "STSong-Light"

PAGE_W, PAGE_H = A4
# Government-report margins; the sides leave 31.6 em at 14 pt, enough for
# the widest seed line (30.4 em) without reflowing.
MARGIN_TOP = 3.0 * cm
MARGIN_BOTTOM = 2.8 * cm
MARGIN_LEFT = 2.8 * cm
MARGIN_RIGHT = 2.6 * cm
FOOTER_Y = 1.6 * cm

# kind -> (font size, leading, centred, fake bold)
STYLES = {
    "title": (22, 36, True, True),
    "heading": (16, 26, False, True),
    "body": (14, 21, False, False),
}
FOOTER_SIZE = 14

# Top-level headings ("一、部门基本情况"); "一是…" paragraphs don't match.
HEADING_RE = re.compile(r"^[一二三四五六七八九十]+、")
TITLE_LINES = 2


def register_fonts():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def read_seed(path):
    """Return (text, starts_page) for each non-empty seed line."""
    text = Path(path).read_text(encoding="utf-8")
    lines = []
    for raw in text.split("\n"):
        if not raw.strip():
            continue  # blank lines are artefacts of the text extraction
        lines.append((raw.strip(" "), raw.startswith(" ")))
    return lines


def classify(index, line):
    if index < TITLE_LINES:
        return "title"
    if HEADING_RE.match(line):
        return "heading"
    return "body"


def paginate(seed_lines):
    """Split classified lines into pages of (kind, text, baseline y)."""
    pages = [[]]
    y = PAGE_H - MARGIN_TOP
    for index, (line, starts_page) in enumerate(seed_lines):
        kind = classify(index, line)
        size, leading, _, _ = STYLES[kind]
        # The first line on a page sits one font size below the top margin.
        step = size if not pages[-1] else leading
        full = y - step < MARGIN_BOTTOM
        if pages[-1] and (starts_page or full):
            pages.append([])
            y = PAGE_H - MARGIN_TOP
            step = size
        y -= step
        pages[-1].append((kind, line, y))
    return pages


def draw_line(c, kind, text, y):
    size, _, centred, bold = STYLES[kind]
    x = PAGE_W / 2 if centred else MARGIN_LEFT
    if centred:
        x -= pdfmetrics.stringWidth(text, FONT, size) / 2
    t = c.beginText(x, y)
    t.setFont(FONT, size)
    if bold:
        # No bold CJK face is built in: fill+stroke thickens the glyphs
        # while leaving the text layer untouched.
        t.setTextRenderMode(2)
    t.textOut(text)
    c.drawText(t)


def draw_footer(c, number):
    c.setFont(FONT, FOOTER_SIZE)
    c.drawCentredString(PAGE_W / 2, FOOTER_Y, footer_text(number))


def footer_text(number):
    return f"— {number} —"


def build_pdf(source, output):
    """Write the PDF; return the page layout used (for verification)."""
    register_fonts()
    # Fixed dates and document ID so regenerating yields identical bytes.
    rl_config.invariant = 1
    pages = paginate(read_seed(source))
    c = canvas.Canvas(str(output), pagesize=A4, invariant=1)
    c.setTitle(TITLE)
    c.setAuthor(AUTHOR)
    c.setSubject("部门整体支出绩效自评报告")
    c.setCreator("perfcheck examples/make_example.py")
    for number, page in enumerate(pages, start=1):
        c.setLineWidth(0.3)  # stroke width of fake-bold; reset per page
        for kind, text, y in page:
            draw_line(c, kind, text, y)
        draw_footer(c, number)
        c.showPage()
    c.save()
    return pages


CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”—]"
CJK_GAP_RE = re.compile(f"{CJK} +{CJK}")
KEY_PHRASES = ("年初预算 2655.11元", "完成预算的 98.83%")


def verify(output, pages):
    """Check pdfplumber reads back exactly the lines we drew; return problems."""
    import pdfplumber  # only needed for --verify

    problems = []
    texts = []
    with pdfplumber.open(str(output)) as pdf:
        if len(pdf.pages) != len(pages):
            problems.append(f"{len(pdf.pages)} pages, expected {len(pages)}")
        for number, (page, layout) in enumerate(zip(pdf.pages, pages), 1):
            expected = [text for _, text, _ in layout] + [footer_text(number)]
            for label, kwargs in (("default", {}),
                                  ("x_tolerance_ratio=0.6",
                                   {"x_tolerance_ratio": 0.6})):
                got = page.extract_text(**kwargs)
                if label == "default":
                    texts.append(got)
                if "(cid:" in got:
                    problems.append(f"page {number} ({label}): (cid:) glyphs")
                if got.split("\n") != expected:
                    diff = [(e, g) for e, g in zip(expected, got.split("\n"))
                            if e != g]
                    problems.append(f"page {number} ({label}): lines differ,"
                                    f" first {diff[:1]}")
    full = "\n".join(texts)
    seed_gaps = sum(len(CJK_GAP_RE.findall(t)) for p in pages for _, t, _ in p)
    if len(CJK_GAP_RE.findall(full)) != seed_gaps:
        problems.append("spaces inserted between Chinese characters")
    for phrase in KEY_PHRASES:
        if phrase not in full:
            problems.append(f"missing {phrase!r}")
    return problems, full


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", default=DEFAULT_SOURCE, type=Path,
                   help="seed text (default: %(default)s)")
    p.add_argument("--output", default=DEFAULT_OUTPUT, type=Path,
                   help="PDF to write (default: %(default)s)")
    p.add_argument("--verify", action="store_true",
                   help="read the PDF back with pdfplumber and check it")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    pages = build_pdf(args.source, args.output)
    lines = sum(len(p) for p in pages)
    print(f"wrote {args.output}: {len(pages)} pages, {lines} lines")
    if not args.verify:
        return 0
    problems, full = verify(args.output, pages)
    for phrase in KEY_PHRASES:
        print(f"  found {phrase!r}: {phrase in full}")
    if problems:
        for problem in problems:
            print(f"  FAIL {problem}")
        return 1
    print("  OK: every page's text matches the seed lines; "
          "no (cid:) glyphs, no spaces inserted between Chinese characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
