"""Benchmark inputs for bench/run_benchmarks.py, generated deterministically.

* variant reports — the example report (examples/baiyun-2023.txt) with its figures perturbed
  per index: every money amount multiplied by one whole factor 1..6 (exact and written to
  the same places, so sums and rates stay as consistent as the example's and its
  deliberate unit slip stays a slip; a fractional factor would add rounding "errors" of
  0.01-0.02万元 — the example's own 0.01 rounding gap in the 决算 total does grow to k×0.01
  and is then reported), the year shifted, and on every third variant one execution rate
  changed by a point (a real arithmetic error). Structure, page breaks and layout are the
  example's: the PDF is typeset with examples/make_example.py's own functions (reportlab,
  STSong-Light, A4). Every variant has distinct bytes (the PDF subject / the .txt's last
  line carry the index), because the fact cache is keyed by the file's bytes.
* one big report — the example's pages repeated with varied figures (variant texts), each
  followed by pages of dense paragraphs (prose and figure-laden sentences, pages filled to
  the bottom margin), cut to exactly N pages (300 by default); seeded random.

Usage (from the repo root):
    python bench/make_corpus.py OUT_DIR [--variants N] [--txt] [--big-pages N]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

import make_example as mx  # noqa: E402  (examples/make_example.py)
from reportlab import rl_config  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

SEED_TEXT = (ROOT / "examples" / "baiyun-2023.txt").read_text(encoding="utf-8")
YEAR = "2023"

# a money figure: digits (with thousands commas, optional decimals) followed, possibly after
# spaces or a line break of the seed, by 万 or 元
MONEY_RE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?=\s*[万元])")
RATE_RE = re.compile(r"(预算执行率\s*)(\d+\.\d+)(%)")
TEXT_WIDTH = mx.PAGE_W - mx.MARGIN_LEFT - mx.MARGIN_RIGHT


# ---------------------------------------------------------------- text


def _format_amount(value: Decimal, places: int, commas: bool) -> str:
    q = value.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)
    return f"{q:,}" if commas else f"{q}"


def variant_params(index: int) -> dict:
    rng = random.Random(f"perfcheck-bench-variant-{index}")
    return {
        "factor": Decimal(rng.randrange(1, 7)),  # whole: products stay exact
        "year": str(2016 + index % 9),
        "bad_rate": index % 3 == 1,  # one execution rate off by a point: a real error
        "rate_pick": rng.randrange(0, 8),
    }


def perturb(text: str, index: int) -> str:
    """The seed text with its figures varied for variant `index` (seed format preserved)."""
    p = variant_params(index)
    factor = p["factor"]

    def scale(m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2) or ""
        commas = "," in whole
        value = Decimal(whole.replace(",", "") + frac)
        places = len(frac) - 1 if frac else 0  # as written: the product is exact
        return _format_amount(value * factor, places, commas)

    out = MONEY_RE.sub(scale, text.replace(YEAR, p["year"]))  # the year first: it is no amount
    if p["bad_rate"]:
        rates = list(RATE_RE.finditer(out))
        if rates:
            m = rates[p["rate_pick"] % len(rates)]
            old = Decimal(m.group(2))
            new = old - 1 if old >= 1 else old + 1
            out = out[:m.start(2)] + f"{new:.2f}" + out[m.end(2):]
    return out


def variant_text(index: int) -> str:
    return perturb(SEED_TEXT, index)


def seed_lines(text: str) -> list[tuple[str, bool]]:
    """(line, starts_page) as examples/make_example.read_seed returns them."""
    lines = []
    for raw in text.split("\n"):
        if raw.strip():
            lines.append((raw.strip(" "), raw.startswith(" ")))
    return lines


# ---------------------------------------------------------------- PDF


def typeset(lines: list[tuple[str, bool]], output: Path, subject: str, max_pages: int | None = None) -> int:
    """Typeset seed lines exactly like examples/make_example.build_pdf; return the page count."""
    mx.register_fonts()
    rl_config.invariant = 1
    pages = mx.paginate(lines)
    if max_pages is not None:
        pages = pages[:max_pages]
    c = canvas.Canvas(str(output), pagesize=A4, invariant=1)
    c.setTitle(mx.TITLE)
    c.setAuthor(mx.AUTHOR)
    c.setSubject(subject)  # also makes every variant's bytes distinct
    c.setCreator("perfcheck bench/make_corpus.py")
    for number, page in enumerate(pages, start=1):
        c.setLineWidth(0.3)
        for kind, text, y in page:
            mx.draw_line(c, kind, text, y)
        mx.draw_footer(c, number)
        c.showPage()
    c.save()
    return len(pages)


def write_variants(folder: str | Path, count: int, start: int = 0, fmt: str = "pdf") -> list[Path]:
    """Write variants start .. start+count-1 as `variant-NNNN.pdf` (or `.txt`); return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for index in range(start, start + count):
        text = variant_text(index)
        path = folder / f"variant-{index:04d}.{fmt}"
        if fmt == "pdf":
            typeset(seed_lines(text), path, f"部门整体支出绩效自评报告（基准测试样本 {index}）")
        elif fmt == "txt":
            # the seed format is what the text reader gets; the last line makes the bytes unique
            path.write_text(text.rstrip("\n") + f"\n\n（基准测试样本 {index}）\n", encoding="utf-8")
        else:
            raise ValueError(fmt)
        out.append(path)
    return out


# ---------------------------------------------------------------- the big report

_PROSE = [
    "区政务服务数据管理局认真贯彻落实预算绩效管理相关政策，绩效目标编制围绕单位职能职责和年度工作计划，"
    "遵循统筹兼顾、勤俭节约、量力而行、讲求绩效和收支平衡的原则，严格实行综合预算绩效管理制度。",
    "在预算绩效目标执行的过程中，加强对部门预算开展情况进行预算绩效运行监控，对项目进度、预算执行、"
    "投入产出、各项效益的阶段完成情况进行动态跟踪监控、监督检查、纠偏处理和改进完善。",
    "利用人工智能对热线数据进行计算分析，实现对区热线首办部门的判断、疑难工单的识别、热点话题的挖掘和关联分析，"
    "实现热线工单秒派和疑难工单提醒预警等功能。",
    "强化白云区热线工作管理、考核、监督等能力，提高区、镇街、区直单位及内设机构等各级热线工作机构的工作质效，"
    "更好地落实“首办负责、接诉即办、提速办结”的热线办理目标。",
    "不断深化“放管服”改革，推动政务服务理念、制度、作风的全方位变革，全力推进政务服务改革各项工作，"
    "推进审批服务便民化，提升政务服务水平。",
]
_ITEMS = ["政务服务受理人员外包服务", "热线智慧办理系统建设", "信息化项目合同存量款", "智慧白云建设",
          "电子政务", "信息化运维", "政务云", "数据共享平台", "城市运行监测系统", "网上中介服务超市"]
_NUMERALS = "一二三四五六七八九十"


def _figures_sentence(rng: random.Random) -> str:
    item = rng.choice(_ITEMS)
    initial = Decimal(rng.randrange(5_000, 900_000)) / 100
    spent = (initial * Decimal(rng.randrange(8_500, 10_001)) / 10_000).quantize(Decimal("0.01"))
    rate = (spent / initial * 100).quantize(Decimal("0.01"))
    kind = rng.randrange(3)
    if kind == 0:
        return (f"{item}工作方面，全年安排资金{initial:,}万元，截至年末实际使用{spent:,}万元，资金使用率{rate}%，"
                f"完成各项工作任务{rng.randrange(3, 60)}项，服务群众{rng.randrange(1000, 99999)}人次。")
    if kind == 1:
        return (f"围绕{item}，共开展监督检查{rng.randrange(2, 40)}次，发现问题{rng.randrange(1, 30)}个，已整改"
                f"{rng.randrange(1, 30)}个，整改完成率{rng.randrange(80, 101)}%，涉及资金{spent:,}万元。")
    return (f"{item}相关合同{rng.randrange(2, 20)}份，合同金额合计{initial:,}万元，已支付{spent:,}万元，"
            f"支付进度{rate}%，剩余款项将按合同约定于验收后支付。")


def _wrap(text: str) -> list[str]:
    """Break a paragraph into lines that fit the body width (CJK breaks anywhere)."""
    size = mx.STYLES["body"][0]
    lines, current = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(current + ch, mx.FONT, size) > TEXT_WIDTH - 2:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines


def dense_lines(rng: random.Random, pages: int) -> list[tuple[str, bool]]:
    """About `pages` pages of dense paragraphs (lines to the bottom margin), starting a page."""
    per_page = int((mx.PAGE_H - mx.MARGIN_TOP - mx.MARGIN_BOTTOM) // mx.STYLES["body"][1])
    out: list[tuple[str, bool]] = []
    section = 0
    while len(out) < pages * per_page:
        if len(out) % (per_page * 2) < 1:
            section += 1
            out.append((f"（{_NUMERALS[(section - 1) % 10]}）补充说明{section}：资金使用与管理情况", not out))
        para = "".join(_figures_sentence(rng) if rng.random() < 0.5 else rng.choice(_PROSE)
                       for _ in range(rng.randrange(3, 7)))
        for line in _wrap(para):
            out.append((line, not out))
    return out


def write_big_report(folder: str | Path, pages: int = 300, seed: int = 2023, name: str | None = None) -> Path:
    """The example's pages repeated with varied figures plus dense paragraphs; exactly `pages` pages."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    lines: list[tuple[str, bool]] = []
    block = 0
    while len(mx.paginate(lines)) < pages + 1:
        variant = seed_lines(variant_text(10_000 + block))
        if lines:
            variant[0] = (variant[0][0], True)  # each repetition starts a page, as the original does
        lines.extend(variant)
        lines.extend(dense_lines(rng, rng.randrange(2, 5)))
        block += 1
    path = folder / (name or f"big-{pages}p.pdf")
    count = typeset(lines, path, f"部门整体支出绩效自评报告（基准测试 {pages} 页）", max_pages=pages)
    assert count == pages, count
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--variants", type=int, default=10)
    ap.add_argument("--txt", action="store_true", help="write .txt variants instead of PDF")
    ap.add_argument("--big-pages", type=int, default=0, help="also write the big report with this many pages")
    args = ap.parse_args(argv)
    paths = write_variants(args.out, args.variants, fmt="txt" if args.txt else "pdf")
    print(f"wrote {len(paths)} variants to {args.out}")
    if args.big_pages:
        print(f"wrote {write_big_report(args.out, args.big_pages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
