"""Self-evaluation forms flattened to text, read back into the rows of their form.

A 自评表 or 基础数据表 copied from a web page or exported to text loses its grid: a cell per line,
cells apart by spaces or bars, the empty cells gone. What is left is a sequence of cells: a run of
header cells (年初预算数 全年预算数 全年执行数 分值 执行率 得分), then rows, each a label cell and
the figures after it. This module turns that sequence back into rows:

* a money table whose header names fund columns becomes a `Table` for the fund block reader
  (columns by header meaning, as for any other table);
* a table whose columns are years (2022年决算数 2023年预算数 2023年决算数: the 经费控制情况 of the
  基础数据表) gives its money cells as amounts of the unit its header states — which year or figure
  a cell is cannot be told once empty cells are gone, so no column is claimed;
* labelled cells ("按收入性质分:2030.12", "其中:基本支出" "900.47") give the form's two breakdowns of
  the year's funds, each label joining its group by its words (lexicon `fund_nature`);
* a field stating its unit beside its label ("计划安排资金(万元)" "1088.00") is an amount of that unit;
* a small table whose title states a count unit ("财政供养人员情况(人)") gives its counts as figures.

Precision first: a row with more figures than its header has columns, or a cell that is neither a
label nor a figure inside a row, is dropped; a table whose unit is not stated gives no amounts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Line, Table
from .lexicon import alternation, entry, lexicon, words
from .numbers import NUM
from .tables import (FULL_MARKS, MONEY_FIELDS, WRAP_TAIL, _LEVEL_CELL, _NAMELIKE, _NUMBER, _PAREN, _SCORE_CELL, _match, _rank,
                     _wrapped_header, classify_header, clean, header_word)
from .textflow import _PAGE_FURNITURE, _edge_key, normalise, running_lines

_VALUE = re.compile(rf"^-?(?:{NUM})%?$")
_PLACEHOLDER = frozenset("—-/－–")  # an empty cell typed as a dash or slash keeps its column
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}年度?")
_UNIT = re.compile(r"[(（]\s*(万元|亿元|元)\s*[)）]?|单位[:：]\s*(万元|亿元|元)")
_LABELLED = re.compile(rf"^(?:(?:{alternation('fund_rows.part_prefix')})[:：])?(?P<label>[^:：]{{2,30}}?)[:：](?P<num>{NUM})?$")
_PART_PREFIX = re.compile(rf"^(?:{alternation('fund_rows.part_prefix')})[:：]")
_STRAY_STOP = re.compile(r"^(\d+\.\d+)\.$")  # "7.50.": a whole decimal and a stray full stop ("95." alone is cut off)
_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")  # pinyin after a character: 经(jīng)费
LABEL_MAX = 30  # a row label is short; a longer cell is prose, and ends the table
UNIT_LOOKBACK = 40  # cells before a header where the form states its unit (单位:万元)


@dataclass
class Cell:
    page: int
    text: str


def form_cells(lines: list[Line]) -> list[Cell]:
    """The document's cells in order: each line split at its blanks (cells apart by spaces, or one
    per line), "2023 年实际在职人数" and "其中: 基本支出" kept whole; a "|" row split at its bars."""
    cells: list[Cell] = []
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if line.text.strip():
            by_page.setdefault(line.page, []).append(index)
    # page furniture (running titles, page numbers) stands at a page's top or bottom, inside a table's cells;
    # in a text of one page a bare number there is a cell, a decorated one ("— 1 —") still a page number
    edges = {i: normalise(lines[i].text) for indices in by_page.values() for i in indices[:2] + indices[-2:]}
    running = running_lines([(edges[i], lines[i].page) for i in sorted(edges)])
    for index, line in enumerate(lines):
        edge = edges.get(index)
        furniture = edge is not None and _PAGE_FURNITURE.match(edge) and (len(by_page) > 1 or not edge.isdigit())
        if furniture or edge is not None and _edge_key(edge) in running:
            continue
        tokens = [clean(t) for t in (line.text.split("|") if "|" in line.text else line.text.split())]
        merged: list[str] = []
        for token in tokens:
            if merged and (token.startswith(("年", "月")) and merged[-1].isdigit()
                           or _PART_PREFIX.fullmatch(merged[-1])):
                merged[-1] += token
            else:
                merged.append(token)
        cells += [Cell(line.page, _STRAY_STOP.sub(r"\1", _GLOSS.sub("", t))) for t in merged if t]
    return _join_broken_headers(cells)


def _join_broken_headers(cells: list[Cell]) -> list[Cell]:
    """A header word broken at a line end or a blank ("年初预算" "数", "执行" "率") is one cell again."""
    exact = {w for w in _header_words()}
    out: list[Cell] = []
    for cell in cells:
        if out and len(cell.text) <= 2 and not _is_value(cell.text) and _PAREN.sub("", out[-1].text + cell.text) in exact:
            out[-1] = Cell(out[-1].page, out[-1].text + cell.text)
        else:
            out.append(cell)
    return out


def _is_value(text: str) -> bool:
    return bool(_VALUE.match(text.replace(",", ""))) or text in _PLACEHOLDER


def _labelled_figure(text: str) -> bool:
    """"按收入性质分:2030.12": a cell holding its label and its figure (a row label ends in ":" alone)."""
    m = _LABELLED.match(text)
    return bool(m and m.group("num"))


def _header_words() -> list[str]:
    spec = lexicon()["table_headers"]["fund"]
    return [w for ws in spec.values() for w in ws]


def _year_column(text: str) -> tuple[str, str]:
    """"2022年决算数" -> ("2022", "决算数"); "上年决算数" -> ("上年", "决算数"); "执行数" -> ("", "执行数")."""
    m = _YEAR_PREFIX.match(text)
    if m:
        return m.group(0)[:4], text[m.end():]
    for key in ("past", "this"):
        word = next((w for w in words(f"year_columns.{key}") if text.startswith(w)), None)
        if word:
            return key, text[len(word):]
    return "", text


def _is_header(text: str, header_words: list[str]) -> bool:
    return len(text) <= LABEL_MAX and _match(_year_column(text)[1], header_words)


def _unit_before(cells: list[Cell], start: int, end: int) -> str:
    """The money unit the form states in its header or the cells just before it."""
    for cell in cells[start:end] + cells[max(0, start - 3):start][::-1] + cells[max(0, start - UNIT_LOOKBACK):start][::-1]:
        m = _UNIT.search(cell.text)
        if m:
            return m.group(1) or m.group(2)
    return ""


@dataclass
class FormTable:
    """A header run and the rows read after it."""

    page: int
    header: list[str]
    unit: str
    by_year: bool  # its columns are years (经费控制情况), not fund columns
    rows: list[list[str]] = field(default_factory=list)
    end: int = 0  # the index of the first cell after it


def _rows(cells: list[Cell], at: int, width: int, header_words: list[str]) -> tuple[list[list[str]], int]:
    """Rows after a header: a label cell and up to `width` figures. A row with more figures, or broken
    by a cell that is neither (7.50.), is dropped; prose, a form label or a new header ends the table."""
    rows: list[list[str]] = []
    row: list[str] | None = None
    spoiled = False
    form_labels = words("form_labels")

    def close() -> None:
        if row is not None and not spoiled and 1 < len(row) <= width + 1:
            rows.append(row)

    while at < len(cells):
        text = cells[at].text
        if _is_value(text):
            if row is None:
                break  # a figure before any label: the cells no longer follow the header
            row.append("" if text in _PLACEHOLDER else text)
        elif len(text) > LABEL_MAX or text.startswith(form_labels) or _is_header(text, header_words) or _labelled_figure(text):
            break
        elif _NAMELIKE.search(text):
            close()
            row, spoiled = [text], False
        else:
            spoiled = True  # a broken figure: the row's cells cannot be trusted
        at += 1
    close()
    return rows, at


def _by_year(header: list[str]) -> bool:
    """Columns of several years (2022年决算数 2023年预算数, 上年决算数 本年预算数): not one year's fund columns."""
    years = {_year_column(h)[0] for h in header} - {""}
    return len(years) > 1 or "past" in years


def form_tables(cells: list[Cell]) -> list[FormTable]:
    """Every run of at least two header cells and the rows that follow it."""
    header_words = _header_words()
    out: list[FormTable] = []
    i = 0
    while i < len(cells):
        j = i
        while j < len(cells) and _is_header(cells[j].text, header_words):
            j += 1
        if j - i < 2:
            i += 1
            continue
        if _wrapped_header([c.text for c in cells[i:j]], [c.text for c in cells[j: j + WRAP_TAIL]]):
            i = j  # the header's lines were printed wrapped: its words' order is not the columns' order
            continue
        header = [c.text for c in cells[i:j]]
        by_year = _by_year(header)
        rows, end = _rows(cells, j, len(header), header_words)
        if rows:
            out.append(FormTable(cells[i].page, header, _unit_before(cells, i, j), by_year, rows, end))
        i = max(end, j)
    return out


def fund_form_tables(cells: list[Cell]) -> list[Table]:
    """Flattened forms whose header names fund columns, as Tables for the fund block reader."""
    tables = []
    for form in form_tables(cells):
        if form.by_year:
            continue
        title = f"资金来源({form.unit})" if form.unit else "资金来源"
        rows = [[title] + [_year_column(h)[1] for h in form.header]] + form.rows
        block = classify_header(rows[0])
        if block is None or block.kind != "fund":
            continue
        # a row fills every column, or the money columns that lead the header (its scores left empty or
        # dashed); with fewer figures, which columns they belong to cannot be told
        money = next((k for k in range(1, len(rows[0])) if k not in _money_columns(block)), len(rows[0])) - 1
        rows = rows[:1] + [r for r in form.rows if len(r) - 1 in (len(form.header), money) or len(_unpadded(r)) - 1 == money]
        if len(rows) > 1:
            tables.append(Table(form.page, rows))
    return tables


def _unpadded(row: list[str]) -> list[str]:
    """The row without the dashes that close it ("100 100 95 — —": the score columns left empty)."""
    end = len(row)
    while end > 1 and not row[end - 1]:
        end -= 1
    return row[:end]


def _money_columns(block) -> set[int]:
    return {block.columns[f] for f in MONEY_FIELDS if f in block.columns}


@dataclass
class FormAmount:
    page: int
    cell: str
    unit: str
    quote: str  # the row as printed, with its header


def year_table_amounts(cells: list[Cell]) -> list[FormAmount]:
    """Money cells of flattened tables whose columns are years, in the unit their header states."""
    out = []
    for form in form_tables(cells):
        if not form.by_year or not form.unit:
            continue
        for row in form.rows:
            if any(c.endswith("%") for c in row[1:]):
                continue  # a rate among the figures: not a money row
            quote = f"{row[0]}（{'、'.join(form.header)}）：{' | '.join(c for c in row[1:] if c)}"
            out += [FormAmount(form.page, c, form.unit, quote) for c in row[1:] if c]
    return out


_COUNT_TITLE = re.compile(rf"[(（](?P<unit>{alternation('units.count')})[)）]?$")
_UNIT_LABEL = re.compile(r"^(?P<label>.{2,20}?)[(（](?P<unit>万元|亿元|元)[)）]$")


def labelled_amounts(cells: list[Cell]) -> list[FormAmount]:
    """A form's field that states its unit beside its label, its figure in the next cell:
    "计划安排资金(万元) | 1088.00", "实际支出(万元)" "1020.02" (a label followed by a second figure is a
    table's header, its figures the rows')."""
    out = []
    for i, cell in enumerate(cells[:-1]):
        m = _UNIT_LABEL.match(cell.text)
        value = cells[i + 1].text
        if not (m and _NAMELIKE.search(m.group("label")) and _VALUE.match(value.replace(",", "")) and not value.endswith("%")):
            continue
        if i + 2 < len(cells) and _is_value(cells[i + 2].text):
            continue
        out.append(FormAmount(cell.page, value, m.group("unit"), f"{cell.text}：{value}"))
    return out


MAX_COUNT_COLUMNS = 6


@dataclass
class FormCount:
    page: int
    label: str
    cell: str
    unit: str
    quote: str


def count_tables(cells: list[Cell]) -> list[FormCount]:
    """A small table whose title states a count unit ("财政供养人员情况(人)" "编制数" "实际在职人数" "控制率"
    "46" "50" "108.70%"): its counts, the bare figures in the order of the columns that are no rate (控制率),
    when there are exactly as many (else which column lost its figure cannot be told). Percentages are
    read as prose figures already."""
    out = []
    for i, cell in enumerate(cells):
        m = _COUNT_TITLE.search(cell.text)
        if not m:
            continue
        j = i + 1
        while j < len(cells) and j - i <= MAX_COUNT_COLUMNS and not _is_value(cells[j].text) and _NAMELIKE.search(cells[j].text) \
                and len(cells[j].text) <= LABEL_MAX:
            j += 1
        k = j
        while k < len(cells) and _is_value(cells[k].text):
            k += 1
        header, values = [c.text for c in cells[i + 1:j]], [c.text for c in cells[j:k]]
        counted = [h for h in header if not h.endswith(words("rate_column_endings"))]
        bare = [v for v in values if not v.endswith("%")]
        if len(header) < 2 or len(values) > len(header) or len(bare) != len(counted) \
                or len(values) - len(bare) > len(header) - len(counted):
            continue
        quote = f"{cell.text}：{' '.join(header)} {' '.join(values)}"
        out += [FormCount(cells[j].page, h, v, m.group("unit"), quote) for h, v in zip(counted, bare) if v not in _PLACEHOLDER]
    return out


@dataclass
class NatureGroup:
    """One of the form's breakdowns of the year's funds (按收入性质分 / 按支出性质分)."""

    name: str
    total: str
    unit: str
    page: int
    quote: str
    parts: list[tuple[str, str]] = field(default_factory=list)  # (label, figure)


def nature_groups(cells: list[Cell]) -> list[NatureGroup]:
    """"按收入性质分:2030.12 按支出性质分:1925.67 其中:一般公共预算:1325.68 其中:基本支出:900.47 …": the
    two groups' cells come interleaved; each label joins the group its words belong to, its figure in the
    same cell or the next. A labelled cell of neither group, or a figure no label claims, leaves the
    groups unread."""
    groups_spec = entry("fund_nature")
    out: list[NatureGroup] = []
    i = 0
    while i < len(cells):
        items, j, sound = _group_items(cells, i, groups_spec)
        heads = [(label, num, quote) for label, num, quote in items if label in groups_spec]
        if not (items and items[0][0] in groups_spec and items[0][1]):
            i += 1
            continue
        unit = _unit_before(cells, i, i)
        groups = {label: NatureGroup(label, num, unit, cells[i].page, quote) for label, num, quote in heads if num}
        members = [(label, num, quote) for label, num, quote in items if label not in groups_spec]
        owners = [[g for g, ws in groups_spec.items() if any(w in label for w in ws)] for label, _, _ in members]
        if sound and unit and all(len(o) == 1 for o in owners):
            for (label, num, quote), (owner,) in zip(members, owners):
                if owner in groups and num:
                    groups[owner].parts.append((label, num))
                    groups[owner].quote += f" {quote}"
            out += [g for g in groups.values() if g.parts]
        i = max(j, i + 1)
    return out


def _group_items(cells: list[Cell], i: int, groups_spec: dict) -> tuple[list[tuple[str, str, str]], int, bool]:
    """(label, figure, quote) items from cell i on: a "label:figure" cell, or a label cell and the
    figure cell after it; they end at a cell that is neither. Sound unless they end at a stray figure."""
    group_words = tuple(w for ws in groups_spec.values() for w in ws) + tuple(groups_spec)
    items: list[tuple[str, str, str]] = []
    j = i
    while j < len(cells):
        text = cells[j].text
        m = _LABELLED.match(text)
        bare = _PART_PREFIX.sub("", text).rstrip(":：")
        if m:
            label, num = m.group("label"), m.group("num") or ""
        elif _NAMELIKE.search(bare) and len(bare) <= LABEL_MAX and any(w in bare for w in group_words):
            label, num = bare, ""
        else:
            return items, j, not _is_value(text)  # a figure no label claims: the cells do not pair up
        quote = text
        if not num and j + 1 < len(cells) and _VALUE.match(cells[j + 1].text.replace(",", "")):
            num, j = cells[j + 1].text, j + 1
            quote += f":{num}"
        items.append((label, num, quote))
        j += 1
    return items, j, True


def flat_form_facts(lines: list[Line]) -> list:
    """Amounts of the year tables and of labelled fields, breakdowns of the fund groups of flattened forms."""
    from ..model import Evidence, Fact
    from .breakdowns import make_breakdown
    from .numbers import money, plain

    facts = []
    cells = form_cells(lines)
    for amount in year_table_amounts(cells) + labelled_amounts(cells):
        fields = {"value": money(amount.cell, amount.unit), "unit_written": amount.unit}
        facts.append(Fact("amount", f"第{amount.page}页表格金额", fields, [Evidence(amount.page, amount.quote)],
                          "table.flat-form"))
    for count in count_tables(cells):
        fields = {"value": plain(count.cell, count.unit), "unit_written": count.unit, "label": count.label}
        facts.append(Fact("figure", f"第{count.page}页数字", fields, [Evidence(count.page, count.quote)], "table.flat-form"))
    for group in nature_groups(cells):
        total = money(group.total, group.unit)
        values = [money(num, group.unit) for _, num in group.parts]
        facts.append(make_breakdown(group.name, total, values, [label for label, _ in group.parts],
                                [Evidence(group.page, group.quote)], "table.flat-form", anchor="label"))
        facts += [Fact("amount", f"第{group.page}页表格金额", {"value": v, "unit_written": group.unit},
                       [Evidence(group.page, f"{group.name}：{label}:{num}")], "table.flat-form")
                  for v, (label, num) in zip(values, group.parts)]
    return facts


# ---------------------------------------------------------------- figures printed apart from their row labels

# A form printed to PDF and copied as text often gives a header and then its figures, the row labels
# following elsewhere (the labels sat in merged or wrapped cells, which the text layer prints later):
# "年初预算数 全年预算数 全年执行数 分值 执行率 得分 250000.00 250000.00 215,457.6 10 8.62 …" or
# "年度指标值 实际完成值 分值 得分 =100% 100% 10 10 及时 及时 20 20 … 100 98.62". The columns are still
# known from the header's meaning; each figure's type must fit its column, or nothing is read.
HEADER_LOOKBACK = 14  # cells of a header run read back from its first figure (broken header words included)
BROKEN_PIECE = 2  # "年度" "实际" "数": a header word's piece left in a cell of its own
MIN_NAMELESS_ROWS = 2  # fewer rows of figures are no table
UNIT_AFTER_FIGURES = 12  # the row labels after the figures may state the unit ("年度资金总额" "(元)")
QUALITATIVE_MAX = 6  # a target or achieved value in words is short ("及时", "显著提升")
_INDICATOR_VALUES = ("target", "actual", "weight", "score")


def _header_fields(header: list[str], spec: dict) -> list[str | None]:
    """Each header cell's field by meaning (the best-ranked of the spec's words), None for a broken piece."""
    out = []
    for cell in header:
        ranked = max(((_rank(cell, ws), fld) for fld, ws in spec.items()), default=((0, 0), None))
        out.append(ranked[1] if ranked[0][0] > 0 else None)
    return out


def _header_before(cells: list[Cell], at: int) -> list[str]:
    """The header cells standing right before cell `at`: header words and the short pieces of broken ones."""
    spec = lexicon()["table_headers"]
    known = [w for kind in ("indicator", "fund") for ws in spec[kind].values() for w in ws]
    start = at
    while start > 0 and at - start < HEADER_LOOKBACK:
        text = cells[start - 1].text
        if _is_value(text) or not (_match(text, known) or len(text) <= BROKEN_PIECE):
            break
        start -= 1
    return [c.text for c in cells[start:at]]


def _is_score(text: str) -> bool:
    return bool(_SCORE_CELL.match(text)) and "," not in text and Decimal(text.rstrip("分")) <= FULL_MARKS


def _target_cell(text: str) -> bool:
    """A target or an achieved value: a figure with its unit, sign or percentage ("=100%", "38508人",
    "≥90%"), or a short word ("及时", "显著提升"); never a bare figure, which could be a weight or a score
    (then the row's alignment could not be checked)."""
    if _is_score(text) or _LEVEL_CELL.match(text):
        return False
    m = _NUMBER.match(text)
    if m:
        return bool(m.group("unit") or m.group("dir") or m.group("tail"))
    return len(text) <= QUALITATIVE_MAX and bool(re.fullmatch(r"[\u4e00-\u9fff]+", text))


def _nameless_indicator_rows(cells: list[Cell], at: int, fields: list[str]) -> tuple[list[list[str]], list[str], int]:
    """Rows of figures in the header's value columns from `at`, each row's cells fitting their column's
    type, then the total's two figures (分值 得分) if they follow. Returns (rows, total, end)."""
    rows: list[list[str]] = []
    width = len(fields)
    while at + width <= len(cells):
        row = [cells[at + k].text for k in range(width)]
        fits = all(_is_score(c) if f in ("weight", "score") else _target_cell(c) for c, f in zip(row, fields))
        values = dict(zip(fields, row))
        if not fits or Decimal(values["score"].rstrip("分")) > Decimal(values["weight"].rstrip("分")):
            break
        rows.append(row)
        at += width
    total: list[str] = []
    if at + 1 < len(cells) and _is_score(cells[at].text) and _is_score(cells[at + 1].text) \
            and (at + 2 == len(cells) or not _is_value(cells[at + 2].text)):
        total, at = [cells[at].text, cells[at + 1].text], at + 2
    return rows, total, at


def _sound_total(rows: list[list[str]], fields: list[str], total: list[str]) -> bool:
    """The total's marks hold the rows' weights and its score their scores (the execution block's may
    come on top), its score no more than its marks."""
    if not total:
        return False
    marks, got = (Decimal(t.rstrip("分")) for t in total)
    if fields.index("score") < fields.index("weight"):  # 得分 printed before 分值
        marks, got = got, marks
    weights = sum(Decimal(r[fields.index("weight")].rstrip("分")) for r in rows)
    scores = sum(Decimal(r[fields.index("score")].rstrip("分")) for r in rows)
    return weights <= marks <= FULL_MARKS and scores <= got <= marks


def nameless_indicator_tables(cells: list[Cell]) -> list[Table]:
    """Indicator tables whose figures follow their header with the indicator names printed elsewhere:
    rows of (target, achieved, weight, score) in the header's order, read only where every row's cells
    fit their columns and a total row closes them whose marks and score hold the rows'. The rows are
    named by their place (表中第N行指标): which name goes with which row cannot be told."""
    spec = lexicon()["table_headers"]["indicator"]
    tables = []
    i = 0
    while i < len(cells):
        if i == 0 or not _target_cell(cells[i].text) or _is_value(cells[i - 1].text):
            i += 1
            continue
        header = _header_before(cells, i)
        named = _header_fields(header, spec)
        fields = [f for f in named if f is not None]
        if not named or named[-1] is None or sorted(fields) != sorted(_INDICATOR_VALUES) or len(set(fields)) != len(fields):
            i += 1
            continue
        rows, total, end = _nameless_indicator_rows(cells, i, fields)
        if len(rows) < MIN_NAMELESS_ROWS or not _sound_total(rows, fields, total):
            i += 1
            continue
        table = [[header_word("indicator", f) for f in ("name", *fields)]]
        table += [[f"表中第{n}行指标"] + row for n, row in enumerate(rows, 1)]
        table.append(["总分"] + [""] * (len(fields) - 2) + total)
        tables.append(Table(cells[i].page, table))
        i = end
    return tables


def nameless_fund_tables(cells: list[Cell]) -> list[Table]:
    """A fund header followed at once by figures, the row labels printed after them: the figures are the
    form's first row, its 年度资金总额 (合计), up to the first cell that is no figure. Its columns are the
    header's by meaning; the fund block reader keeps what fits them."""
    spec = lexicon()["table_headers"]["fund"]
    tables = []
    for i in range(1, len(cells)):
        if not _VALUE.match(cells[i].text.replace(",", "")) or _is_value(cells[i - 1].text):
            continue
        header = _header_before(cells, i)
        fields = _header_fields(header, spec)
        if not fields or fields[-1] is None or len(set(fields) & set(MONEY_FIELDS)) < 2 or any(f in _INDICATOR_VALUES[:2] for f in fields):
            continue
        end = i
        while end < len(cells) and _is_value(cells[end].text):
            end += 1
        if end - i < len(set(fields) & set(MONEY_FIELDS)):
            continue  # fewer figures than money columns: a list's 序号 ("1 基本公共卫生服务 860.00 …"), no fund row
        unit = _unit_before(cells, i - len(header), end + UNIT_AFTER_FIGURES)
        title = f"资金来源({unit})" if unit else "资金来源"
        named = [h for h, f in zip(header, fields) if f is not None]
        tables.append(Table(cells[i].page, [[title] + named, [entry("fund_rows.total")[0]] + [c.text for c in cells[i:end]]]))
    return tables


def nameless_tables(cells: list[Cell]) -> list[Table]:
    """Flattened forms' tables whose figures stand apart from their row labels, as Tables."""
    return nameless_indicator_tables(cells) + nameless_fund_tables(cells)
