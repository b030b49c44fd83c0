"""Label-value pairs: "年初预算 358万元", "年中调减预算 592.33 万元", "完成预算的 98.83%".

The synonyms live in lexicon.yaml; this module turns them into one alternation per fact
family (longest wording first, so 调整后预算 wins over 调整预算) and reads the figure
that follows a label within a short filler ("为", "达到", a colon).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache


from ..model import Quantity
from .lexicon import words, lexicon
from .numbers import AMOUNT_RE, NOT_A_FRAGMENT, NUM, money, percent

COMPARISON_SPAN = 6  # characters before a figure that may hold a comparison word (未达到 / 低于 …)
_FILLER = r"[为是了达到约共计合计:：\s]{0,4}"
_FIGURE = rf"{NOT_A_FRAGMENT}(?P<sign>[-−])?(?P<num>{NUM})\s*(?P<unit>亿元|万元|千元|元|%)"  # an amount or a rate


@dataclass(frozen=True)
class Figure:
    field: str  # field name in the fact family (initial, spent, rate_stated, adjustment_up ...)
    label: str  # label as written
    value: Quantity
    start: int  # offset of the label in the text searched
    end: int  # offset just after the figure
    number_start: int  # offset of the figure itself


@lru_cache(maxsize=8)
def _pattern(family: str) -> tuple[re.Pattern, dict[str, str]]:
    by_label: dict[str, str] = {}
    for field, words in lexicon()[family].items():
        for word in words:
            by_label.setdefault(word, field)
    alternation = "|".join(re.escape(w) for w in sorted(by_label, key=len, reverse=True))
    return re.compile(rf"(?P<label>{alternation}){_FILLER}{_FIGURE}"), by_label


_FIGURE_ANY = re.compile(_FIGURE)
_CLAUSE_START = re.compile(r"[，,。；;：:、（()）\n“”]")
MAX_LABEL_CHARS = 16  # a label reaches back this far at most within its clause
_INSERT = re.compile(r"[（(][^（()）]{1,6}[)）](?=[\u4e00-\u9fff])")  # "全年（调整）预算数": a short insert inside a label
_TRAILING_FILLER = re.compile(r"(?:为|是|了|达到|达|约|共计|合计|共|计|:|：|\s)+$")


def _clause_label(text: str, figure_start: int, floor: int) -> str:
    """The words of the figure's own clause that precede it ("该项目年初批复" for "…年初批复2,194.90万元")."""
    lead = _INSERT.sub("", text[max(floor, figure_start - MAX_LABEL_CHARS): figure_start])
    cut = max((m.end() for m in _CLAUSE_START.finditer(lead)), default=0)
    return _TRAILING_FILLER.sub("", lead[cut:])


def classify_label(label: str, family: str) -> str | None:
    """A label's field by the lexicon's keyword rules (label_keywords): the first field one of whose
    word sets the label contains wholly, unless the label names another year or a change."""
    rules = lexicon()["label_keywords"]
    if not label or any(w in label for w in rules["exclude"]) or label.startswith(tuple(lexicon()["parts_intro"])):
        return None  # another year, a change, or a part of a total just stated (其中…)
    for rule in rules[family]:
        if any(all(w in label for w in words) for words in rule["any_of"]):
            return rule["field"]
    return None


def find_figures(text: str, family: str, base: int = 0) -> list[Figure]:
    """Label-value figures: an exact label from the lexicon right before the figure; failing that,
    the figure's clause words read by keyword (年初 + 批复 -> initial)."""
    found = [_full_year_if_said(text, f, family, base) for f in _exact_figures(text, family, base)
             if not _is_part(text, f.number_start - base) and not _names_category(text, f, family, base)]
    taken = {f.number_start for f in found}
    floor = 0
    for m in _FIGURE_ANY.finditer(text):
        if base + m.start("num") not in taken and not _is_part(text, m.start("num")):
            figure = _keyword_figure(text, m, family, base, floor)
            if figure is not None:
                found.append(figure)
        floor = m.end()
    return sorted(found, key=lambda f: f.number_start)


_SENTENCE_ENDS = "。；;！？!?\n"


def _is_part(text: str, number_start: int) -> bool:
    """"…总预算2455.5万元，其中部门预算项目支出87.5万元，专项预算支出2350万元": the figures after a total
    and its 其中 are its parts, not figures of their own."""
    sentence_start = max(text.rfind(ch, 0, number_start) for ch in _SENTENCE_ENDS) + 1  # -1 + 1: the text's start
    head = text[sentence_start:number_start]
    for word in lexicon()["parts_intro"]:
        at = head.find(word)
        if at > 0 and AMOUNT_RE.search(head, 0, at):
            return True
    return False


_FULL_YEAR_FIELDS = ("adjusted", "full_year")


def _full_year_if_said(text: str, figure: Figure, family: str, base: int) -> Figure:
    """"全年下达资金1607.05万元": a budget label inside a clause that says 全年 / 调整后 is the full-year figure."""
    if figure.field != "initial":
        return figure
    field = classify_label(_clause_label(text, figure.number_start - base, 0), family)
    return replace(figure, field=field) if field in _FULL_YEAR_FIELDS else figure


def _names_category(text: str, figure: Figure, family: str, base: int) -> bool:
    """"部门预算项目支出87.5万元": 项目支出 / 基本支出 name a kind of budget, not what one project spent."""
    if family != "project" or figure.field != "spent":
        return False
    label = _clause_label(text, figure.number_start - base, 0)
    scopes = lexicon()["scope"]
    return any(w in label for w in (*scopes["basic"], *scopes["project"])) and not any(
        w in label for w in lexicon()["label_keywords"]["spent_qualifiers"])


def _keyword_figure(text: str, m: re.Match, family: str, base: int, floor: int) -> Figure | None:
    label = _clause_label(text, m.start(), floor)
    field = classify_label(label, family)
    if field is None or (field == "rate_stated") != (m.group("unit") == "%"):
        return None
    if text[max(floor, m.start() - COMPARISON_SPAN): m.start()].rstrip().endswith(words("comparison_words")):
        return None  # "执行率未达到95%": a threshold the figure is held to, not the figure
    value = percent(m.group("num")) if field == "rate_stated" else money(m.group("num"), m.group("unit"), bool(m.group("sign")))
    start = m.start() - len(label)
    return Figure(field, label, value, base + start, base + m.end(), base + m.start("num"))


def _exact_figures(text: str, family: str, base: int = 0) -> list[Figure]:
    pattern, by_label = _pattern(family)
    out = []
    for m in pattern.finditer(text):
        field = by_label[m.group("label")]
        unit = m.group("unit")
        is_rate = field == "rate_stated"
        if is_rate != (unit == "%"):
            continue  # a rate label with an amount, or an amount label with a percentage
        value = percent(m.group("num")) if is_rate else money(m.group("num"), unit, bool(m.group("sign")))
        out.append(Figure(field, m.group("label"), value, base + m.start(), base + m.end(), base + m.start("num")))
    return out


def money_mentions(text: str, base: int = 0):
    """Every money amount in `text`: (start, end, Quantity, unit as written)."""
    for m in AMOUNT_RE.finditer(text):
        yield base + m.start(), base + m.end(), money(m.group("num"), m.group("unit"), bool(m.group("sign"))), m.group("unit")
