"""Self-evaluation forms whose cells run together with no separator at all.

A form copied from some web pages or PDF text layers loses every boundary between its cells:
"绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分…数量指标安装坡面水标尺10≥266米≥266米10…".
The header words still say which columns there are and in what order; each cell's type (a weight or a
score is a bare figure of at most 100 marks, a target or a result a figure with its sign and unit or a
word of the lexicon's outcome words) constrains where one cell can end and the next begin.

* Indicator rows are read only when their cells split in exactly one way that fits every column's type
  (and a score no more than its weight). A row that splits several ways but ends in one place is left out
  and the table goes on; a row that fits no way, or ends in several places, ends the table. Names are what
  stands before the first figure of a row, after the level cells (产出指标(70分)数量指标); a 总分 row closes it.
* The total row of the fund block (年度资金总额:202010100.00%10) is read where its figures split one way,
  or, of several splits, where exactly one agrees with itself (rate = spent ÷ budget, score = weight × rate).

Precision first: where the header has a reason column, the reason of one row cannot be told from the name
of the next, so the rows say their reason is unreadable (reason_unreadable: no verdict on a missing reason);
a name holding a figure ends the table. Rows keep their text as printed
(tables.PrintedRow), which their facts' evidence quotes.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..model import Line, Table
from .lexicon import alternation, lexicon, words
from .tables import MONEY_FIELDS, PrintedRow, header_word
from .textflow import normalise

SCORE_WORD = "得分"  # in every score column's header, simplified and traditional alike
MIN_HEADER_COLUMNS = 4  # a header names at least this many columns, weight and score among them
MIN_ROWS = 2  # fewer rows read are no table
MAX_MARKS = Decimal(100)  # a weight or a score is at most the full 100 marks
MAX_RATE = Decimal(1000)  # a percentage above this is a misread split
MAX_NAME = 40  # an indicator's name is short; a longer run of words is prose
MAX_CELL = 16  # a cell of a target, a result or a mark is short
MAX_READINGS = 12  # more ways to split one row than this: the text is no table row
_VALUE_FIELDS = ("unit", "direction", "target", "weight", "actual", "score")
_LABEL_FIELDS = ("level1", "level2", "name")
_PAREN = re.compile(r"^[(（][^)）]{0,8}[)）]")  # "(分)", "(A)", "(B/A)" after a header word
_MARK = r"(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?"  # a weight or a score: no leading zero
_NUM = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_DIRECTION = r"(?:≥|≤|>=|<=|>|<|=|＞|＜)"


@lru_cache(maxsize=2)
def _header_words(kind: str = "indicator") -> tuple[tuple[str, str], ...]:
    """(word, field) of every header word of a table kind (lexicon table_headers), longest first."""
    spec = lexicon()["table_headers"][kind]
    return tuple(sorted(((w, f) for f, ws in spec.items() for w in ws), key=lambda p: -len(p[0])))


def _scan_header(text: str, at: int, kind: str) -> tuple[list[str], int]:
    """The fields of the header words that stand one after another from `at` (a qualifier in brackets
    after a word, "(分)" "(B/A)", belongs to it), and where they end."""
    fields: list[str] = []
    pos = at
    while pos < len(text):
        hit = next(((w, f) for w, f in _header_words(kind) if text.startswith(w, pos)), None)
        if hit is None:
            break
        fields.append(hit[1])
        pos += len(hit[0])
        paren = _PAREN.match(text[pos:])
        if paren:
            pos += paren.end()
    return fields, pos


@lru_cache(maxsize=1)
def _header_start() -> re.Pattern:
    """Two header words in a row: where a glued header may start."""
    alt = "|".join(re.escape(w) for w, _ in _header_words())
    return re.compile(rf"(?:{alt})(?:[(（][^)）]{{0,8}}[)）])?(?={alt})")


def _read_header(text: str, at: int) -> tuple[list[str], int] | None:
    """The columns of a glued header starting at `at`, and where it ends (None: no header here)."""
    fields, pos = _scan_header(text, at, "indicator")
    known = [f for f in fields if f in _VALUE_FIELDS or f in _LABEL_FIELDS or f == "reason"]
    if len(known) < MIN_HEADER_COLUMNS or not {"weight", "score"} <= set(known) or len(set(known)) != len(known) \
            or "name" not in known:
        return None
    return known, pos


@lru_cache(maxsize=1)
def _units() -> tuple[str, ...]:
    """The units an indicator's cell may end with (counts, values, measures, %), longest first."""
    units = {*words("units.count"), *words("indicators.value_units"), *words("indicators.measure_units"), "%"}
    return tuple(sorted(units, key=len, reverse=True))


@lru_cache(maxsize=1)
def _cell_patterns() -> dict[str, re.Pattern]:
    unit = "|".join(re.escape(u) for u in _units())
    outcome = alternation("indicators.outcome_words")
    cells = {
        "weight": _MARK, "score": _MARK,
        "target": rf"(?:{_DIRECTION}?{_NUM}(?:{unit})?|{outcome})",
        "actual": rf"(?:{_DIRECTION}?{_NUM}(?:{unit})?|{outcome})",
        "unit": rf"(?:{unit})?",
        "direction": rf"(?:{_DIRECTION}|{alternation('indicators.direction_cells')})?",
    }
    return {field: re.compile(pattern) for field, pattern in cells.items()}


def _splits(text: str, at: int, fields: list[str], patterns: dict[str, re.Pattern]):
    """Every way the cells of `fields` can be read from `at` (each cell matching its column's type),
    with where the reading ends (a generator: the caller stops once it has seen two good ones)."""
    if not fields:
        yield [], at
        return
    pattern = patterns[fields[0]]
    for end in range(min(len(text), at + MAX_CELL), at - 1, -1):
        if pattern.fullmatch(text, at, end):
            for cells, stop in _splits(text, end, fields[1:], patterns):
                yield [text[at:end]] + cells, stop


def _fits(cells: dict[str, str], marks_left: Decimal = MAX_MARKS) -> bool:
    """A score no more than its weight; the weight above zero (a row weighs something) and within the
    marks the rows read before it leave of the full 100; a target and its result of one kind (figures or
    words); percentages of a sensible size."""
    weight, score = Decimal(cells["weight"]), Decimal(cells["score"])
    if not (0 <= score <= weight <= marks_left) or weight == 0:
        return False
    if "target" in cells and "actual" in cells and \
            bool(re.search(r"\d", cells["target"])) != bool(re.search(r"\d", cells["actual"])):
        return False  # a target and its result are both figures or both words (完成 against ≥90% is no split)
    for key in ("target", "actual"):
        m = re.search(rf"({_NUM})%", cells.get(key, ""))
        if m and Decimal(m.group(1)) > MAX_RATE:
            return False
    return not (cells.get("unit") == "%" and any(Decimal(cells[k]) > MAX_RATE for k in ("target", "actual")
                                                  if re.fullmatch(_NUM, cells.get(k, ""))))


_FIGURE_START = re.compile(r"\d|" + _DIRECTION)


@lru_cache(maxsize=1)
def _unit_then_figure() -> re.Pattern:
    return re.compile(rf"(?:{'|'.join(re.escape(u) for u in _units())})(?=\d|{_DIRECTION})")


def _row_ends_at(text: str, stop: int) -> bool:
    """A row may end here: the text ends, or what follows starts with words (the next row's name, a
    level cell, the 总分 row or prose), not with a unit or a figure cut off from this row's cells."""
    if stop == len(text):
        return True
    if _unit_then_figure().match(text, stop):
        return False  # "厘米10…": the unit of this row's last cell, cut off
    nxt = _FIGURE_START.search(text, stop)
    words_before = text[stop: nxt.start() if nxt else len(text)]
    return len(re.findall(r"[\u4e00-\u9fff]", words_before)) >= 2


def _row(text: str, at: int, fields: list[str], patterns: dict,
         marks_left: Decimal = MAX_MARKS) -> tuple[list[str], dict[str, str], int] | None:
    """One row from `at`: its level cells, its name and its value cells, split in exactly one way."""
    levels = re.compile(rf"(?:{alternation('indicators.level1_in_tables')}|{alternation('indicators.level2')})指标"
                        rf"(?:[(（]\d+(?:\.\d+)?分[)）])?")
    level_cells = []
    while (m := levels.match(text, at)) and m.end() < len(text):
        level_cells.append(m.group(0))
        at = m.end()
    value_fields = [f for f in fields if f in _VALUE_FIELDS]
    first = _FIGURE_START.search(text, at)
    if first is None or first.start() - at < 2 or first.start() - at > MAX_NAME:
        return None
    readings = []
    for name_end in _name_ends(text, at, first.start(), value_fields):
        for cells, stop in _splits(text, name_end, value_fields, patterns):
            values = dict(zip(value_fields, cells))
            if _fits(values, marks_left) and _row_ends_at(text, stop):
                readings.append((text[at:name_end], values, stop))
                if len(readings) > MAX_READINGS:
                    return None
    readings = _with_trailing_unit(text, readings)
    if not readings or len({stop for _, _, stop in readings}) > 1:
        return None  # no reading, or readings that end in different places: the table's rows are lost
    name, values, stop = readings[0]
    if not re.search(r"[\u4e00-\u9fff]{2}", name) or re.search(r"\d", name) or _TOTAL_NAME.match(name):
        return None  # no name, a figure in it, or a total row's label: no indicator
    if len(readings) > 1:  # the row ends here, but its cells split more than one way: which is meant cannot be told
        return level_cells, {}, stop
    return level_cells, {"name": name, **values}, stop


def _with_trailing_unit(text: str, readings: list) -> list:
    """Readings that end in different places only by the unit of the row's last cell ("5880人" or "5880"
    with "人" left to the next row's name): the unit is the cell's, so the longest reading is meant."""
    stops = {stop for _, _, stop in readings}
    if len(stops) < 2:
        return readings
    longest = max(stops)
    if all(text[stop:longest] in _units() for stop in stops if stop != longest):
        return [r for r in readings if r[2] == longest]
    return readings


_TOTAL_NAME = re.compile(r"(?:总分|合计|总计|小计)(?:[(（][^)）]{0,4}[)）])?$")


def _name_ends(text: str, at: int, first_figure: int, value_fields: list[str]) -> list[int]:
    """Where a row's name may end: before its first figure, before the unit or direction word that stands
    there when the header has such a column (国家级公益林管护面积|万亩|28…), or before a target in words
    when the target comes first (群众生产生活条件改善状况|显著提升|10…)."""
    if value_fields and value_fields[0] in ("unit", "direction"):
        for word in sorted({*words("units.count"), *words("indicators.measure_units"), *words("indicators.direction_cells"),
                            "%"}, key=len, reverse=True):
            if text.endswith(word, at, first_figure) and first_figure - len(word) - at >= 2:
                return [first_figure - len(word)]  # the header has the column: the word is its cell, not the name's
    ends = [first_figure]
    if value_fields and value_fields[0] == "target":  # a target in words stands before the first figure
        ends += [first_figure - len(w) for w in words("indicators.outcome_words")
                 if text.endswith(w, at, first_figure) and first_figure - len(w) - at >= 2]
    return ends


def _levels(cells: list[str], level1: str, level2: str) -> tuple[str, str]:
    """The level-1 and level-2 groups after the level cells standing before a row (merged cells print
    only where they change): a cell stating its marks (效益指标(20分)) or leading others is level 1, the
    others level 2; a lone cell is level 1 when it names no level-2 group (成本指标, 满意度指标 may be
    either: level 2 under a level 1 already read)."""
    for k, cell in enumerate(cells):
        marked = re.search(r"[(（]\d", cell) is not None
        level2_word = any(cell.startswith(w) for w in words("indicators.level2"))
        if marked or (k == 0 and len(cells) > 1) or not level1 or (len(cells) == 1 and not level2_word):
            level1, level2 = cell, ""
        else:
            level2 = cell
    return level1, level2


def _table(text: str, header_end: int, fields: list[str]) -> tuple[list[list[str]], int]:
    patterns = _cell_patterns()
    rows: list[list[str]] = []
    at = header_end
    level1 = level2 = ""
    weights = Decimal(0)  # the marks of the rows read so far: together at most the full 100
    while at < len(text):
        if _TOTAL.match(text, at):
            break  # the 总分 row closes the table
        start = at
        subtotal = _subtotal_row(text, at, fields)
        if subtotal is not None:  # "产出指标合计5050": a group's marks and score, not an indicator
            cells, at = subtotal
            level1 = cells[fields.index("level1")] if "level1" in fields else level1
            if any(cells):
                rows.append(PrintedRow(cells, text[start:at]))
            continue
        read = _row(text, at, fields, patterns, MAX_MARKS - weights)
        if read is None:
            break
        level_cells, cells, at = read
        level1, level2 = _levels(level_cells, level1, level2)
        if not cells:
            continue
        weights += Decimal(cells["weight"])
        rows.append(PrintedRow([{"level1": level1, "level2": level2}.get(f, cells.get(f, "")) for f in fields], text[start:at]))
    total = _total_row(text, at, fields)
    if total is not None and rows:
        cells, at = total
        rows.append(cells)
    return rows, at


_TOTAL = re.compile(r"[…\.。·]*(?P<label>总分|合计|总计)(?:[(（][^)）]{0,4}[)）])?(?P<marks>[\d.]+)")  # 总分（分）10099.73


def _marks(digits: str, fields: list[str]) -> tuple[str, str] | None:
    """The marks and score a total row prints run together ("100100", "5050"), where they split one way
    only (a score no more than its marks, both at most 100)."""
    pattern = re.compile(_MARK)
    splits = [(digits[:k], digits[k:]) for k in range(1, len(digits))
              if pattern.fullmatch(digits[:k]) and pattern.fullmatch(digits[k:])]
    weight_first = fields.index("weight") < fields.index("score")
    fitting = [(w, sc) if weight_first else (sc, w) for w, sc in splits]
    fitting = [(w, sc) for w, sc in fitting if Decimal(sc) <= Decimal(w) <= MAX_MARKS]
    return fitting[0] if len(fitting) == 1 else None


@lru_cache(maxsize=1)
def _subtotal_pattern() -> re.Pattern:
    return re.compile(rf"(?P<level1>(?:{alternation('indicators.level1_in_tables')})指标)?"
                      rf"(?P<label>{alternation('subtotal_words')})(?P<marks>[\d.]+)")


def _subtotal_row(text: str, at: int, fields: list[str]) -> tuple[list[str], int] | None:
    """A level-1 group's 合计 row among the rows ("产出指标合计5050"): its level cell, its label and its marks
    and score where they split one way (else an empty row: the table goes on, the figures unread)."""
    m = _subtotal_pattern().match(text, at)
    if m is None or not m.group("level1"):
        return None  # a bare 合计 / 总计 closes the table (_TOTAL)
    marks = _marks(m.group("marks"), fields)
    if marks is None:
        return [""] * len(fields), m.end()
    weight, score = marks
    row = [{"weight": weight, "score": score, "level1": m.group("level1"), "name": m.group("label")}.get(f, "")
           for f in fields]
    return row, m.end()


def _total_row(text: str, at: int, fields: list[str]) -> tuple[list[str], int] | None:
    """The 总分 row after the rows: its marks and score run together ("总分100100"), read where they
    split one way only (a score no more than its marks, both at most 100)."""
    m = _TOTAL.match(text, at)
    if m is None:
        return None
    marks = _marks(m.group("marks"), fields)
    if marks is None:
        return None
    weight, score = marks
    row = [{"weight": weight, "score": score}.get(f, "") for f in fields]
    row[0] = m.group("label")  # the block reader knows a total row by its first cell
    return PrintedRow(row, text[m.start("label"):m.end()]), m.end()


def glued_indicator_tables(lines: list[Line]) -> list[Table]:
    """Indicator tables whose cells run together, rebuilt as Tables for the indicator block reader."""
    tables = []
    for page, text in _page_texts(lines).items():
        at = 0
        while (start := _header_start().search(text, at)) is not None:
            at = start.start()
            header = _read_header(text, at)
            if header is None:
                at += 1
                continue
            fields, end = header
            tail = re.compile(rf"[^\d≥≤<>=]{{0,12}}?(?=(?:{alternation('indicators.level1_in_tables')})指标)").match(text, end)
            rows, stop = _table(text, tail.end() if "reason" in fields and tail else end, fields)
            if len(rows) >= MIN_ROWS:
                if "reason" in fields:  # a row's reason cannot be told from the next row's name: not read
                    rows = [PrintedRow(list(row), row.printed, reason_unreadable=True) for row in rows]
                tables.append(Table(page, [[header_word("indicator", f) for f in fields]] + rows))
            at = max(stop, end)
    return tables


# ---------------------------------------------------------------- the fund row of a glued form

MAX_GAP_TO_ROW = 12  # characters between a glued fund header and its total row's label
MAX_MONEY_RATIO = 10  # a fund row's budget, adjusted budget and spending differ by less than this factor
UNIT_BEFORE_HEADER = 30  # how far before the header the form states its money unit (资金情况(万元))
_MONEY_UNIT = re.compile(r"[(（](万元|亿元|元)[)）]")
_MONEY = r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?"
_FUND_TYPES = {"initial": _MONEY, "adjusted": _MONEY, "spent": _MONEY, "weight": _MARK, "score": _MARK,
               "rate": r"(?:0|[1-9]\d*)(?:\.\d{1,2})?%"}  # a rate is written to two places at most


def _fund_header(text: str, at: int) -> tuple[list[str], int] | None:
    """The columns of a glued fund header from `at` (at least two money columns), and where it ends."""
    fields, pos = _scan_header(text, at, "fund")
    money = [f for f in fields if f in MONEY_FIELDS]
    if len(money) < 2 or not set(fields) <= set(_FUND_TYPES) or len(set(fields)) != len(fields):
        return None
    return fields, pos


def _places(cell: str) -> int:
    return len(cell.split(".")[1]) if "." in cell else 0


def _fund_splits(digits: str, fields: list[str]) -> list[dict[str, str]]:
    """Every split of a glued row into the header's cells that fits their types: money cells written to one
    precision, a score no more than its weight (at most 100 marks), a percentage of a sensible size."""
    patterns = {f: re.compile(_FUND_TYPES[f]) for f in fields}
    out = []
    for cells, stop in _splits(digits, 0, fields, patterns):
        if stop != len(digits):
            continue
        row = dict(zip(fields, cells))
        money = [row[f] for f in fields if f in MONEY_FIELDS]
        if len({_places(m) for m in money}) != 1 or not _same_size(money):
            continue
        if "weight" in row and "score" in row and not Decimal(row["score"]) <= Decimal(row["weight"]) <= MAX_MARKS:
            continue
        if "rate" in row and Decimal(row["rate"].rstrip("%")) > MAX_RATE:
            continue
        out.append(row)
        if len(out) > MAX_READINGS:
            break
    return out


def _same_size(money: list[str]) -> bool:
    """A row's budget, adjusted budget and spending within MAX_MONEY_RATIO of each other (zeros aside): a
    split that makes one of them a sliver of another (1511.5111 | 54.7911) cut the figures in the wrong place."""
    values = [v for v in (Decimal(m.replace(",", "")) for m in money) if v > 0]
    return not values or max(values) <= min(values) * MAX_MONEY_RATIO


def _within_rounding(computed: Decimal, stated: str) -> bool:
    return abs(computed - Decimal(stated)) <= Decimal("0.5") * Decimal(10) ** -_places(stated)


def _agrees(row: dict[str, str]) -> bool:
    """The row's rate is its spent ÷ budget, and its score its weight × rate (capped at 100 %)."""
    budget = row.get("adjusted") or row.get("initial")
    if not (budget and {"rate", "spent", "weight", "score"} <= set(row)) or Decimal(budget.replace(",", "")) <= 0:
        return False
    rate = row["rate"].rstrip("%")
    computed = Decimal(row["spent"].replace(",", "")) / Decimal(budget.replace(",", "")) * 100
    score = Decimal(row["weight"]) * min(Decimal(rate), Decimal(100)) / 100
    return _within_rounding(computed, rate) and _within_rounding(score, row["score"])


def _one_reading(readings: list[dict[str, str]]) -> dict[str, str] | None:
    """The split meant: the only one; or, of several, the only one whose figures agree with each other
    (rate = spent ÷ budget, score = weight × rate). A tie broken this way never puts an error into the
    figures: a row that could be read with an error only one way among several is left unread."""
    if len(readings) == 1:
        return readings[0]
    agreeing = [row for row in readings if _agrees(row)]
    return agreeing[0] if len(agreeing) == 1 else None


def glued_fund_tables(lines: list[Line]) -> list[Table]:
    """The total row of a glued form's fund block ("全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:
    202010100.00%10"), rebuilt as a Table for the fund block reader, where its figures split one way."""
    total_words = alternation("fund_rows.total")
    starts = re.compile("|".join(re.escape(w) for w, _ in _header_words("fund")))
    tables = []
    for page, text in _page_texts(lines).items():
        if "执行" not in text:
            continue
        at = 0
        while (start := starts.search(text, at)) is not None:
            header = _fund_header(text, start.start())
            if header is None:
                at = start.end()
                continue
            fields, end = header
            row = re.compile(rf"[^\d]{{0,{MAX_GAP_TO_ROW}}}?(?P<label>{total_words})[:：]?(?P<digits>[\d.,%]+)").match(text, end)
            at = end
            if row is None:
                continue
            reading = _one_reading(_fund_splits(row.group("digits"), fields))
            unit = _MONEY_UNIT.search(text, max(0, start.start() - UNIT_BEFORE_HEADER), start.start())
            if reading is None or unit is None:
                continue
            tables.append(Table(page, [[f"资金来源({unit.group(1)})"] + [header_word("fund", f) for f in fields],
                                       PrintedRow([row.group("label")] + [reading[f] for f in fields],
                                                  text[row.start("label"):row.end()])]))
            at = row.end()
    return tables


def _page_texts(lines: list[Line]) -> dict[int, str]:
    """Each page's text, normalised and without blanks, for the pages with a score column's header word
    (得分, the same in either script: every self-evaluation form has one)."""
    raw: dict[int, list[str]] = {}
    for line in lines:
        raw.setdefault(line.page, []).append(line.text)
    return {page: "".join(re.sub(r"\s+", "", normalise(t)) for t in texts)
            for page, texts in raw.items() if any(SCORE_WORD in t for t in texts)}
