"""Tables: 绩效自评表 blocks recognised by the meaning of their header cells, not their position.

A table (from pdfplumber, python-docx or "|"-delimited text) may hold several blocks — the
fund block (预算执行情况), the indicator block (绩效指标), a project list — each starting at a
header row. Merged cells come back as None and are filled from the cell they merge with;
a leading row-label column the data rows do not repeat is detected and skipped.
"""
from __future__ import annotations

import re
from functools import lru_cache
from collections import Counter
from decimal import Decimal
import unicodedata
from dataclasses import dataclass, field

from ..model import Evidence, Fact, Quantity, Table
from .lexicon import alternation, lexicon, words
from .numbers import NUM, money, percent, plain
from .textflow import _PAGE_FURNITURE, is_heading, simplified

_PAREN = re.compile(r"[(（][^)）]*[)）]")
_VALUE_UNITS = "|".join(sorted({"%", "万元", "元", "亿元", *words("units.count"), *words("indicators.value_units")}, key=len, reverse=True))
_NUMBER = re.compile(rf"^\s*(?P<dir>[≥≤><=＞＜]=?|不低于|不少于|不高于|不超过|大于|小于)?\s*(?P<num>{NUM})\s*(?P<unit>{_VALUE_UNITS})?\s*(?P<tail>以上|以内|以下)?\s*$")
_LEVEL1 = re.compile(rf"({alternation('indicators.level1_in_tables')})")
_LEVEL2_HINT = re.compile(rf"^({alternation('indicators.level2_prefixes')})")


_KEEP_WIDE = str.maketrans({"(": "（", ")": "）"})


def clean(cell) -> str:
    return _clean(str(cell or ""))


@lru_cache(maxsize=16384)  # a table's cells are cleaned each time a reader tries it
def _clean(cell: str) -> str:
    # traditional forms too: the 繁体 reposts of a report keep their tables' header words in them
    text = simplified(unicodedata.normalize("NFKC", cell)).replace("\n", "").replace(" ", "")
    if "（" in cell:  # a name quotes the report as written: 项目（工程）验收合格率, as the prose has it
        text = text.translate(_KEEP_WIDE)
    return text.strip()


class PrintedRow(list):
    """A row rebuilt from text that printed its cells without a boundary: `printed` is the row as the
    document prints it, the quotation its facts' evidence shows (findable in the document);
    `reason_unreadable`: the table has a reason column whose cell cannot be told from the next row."""

    def __init__(self, cells, printed: str, reason_unreadable: bool = False):
        super().__init__(cells)
        self.printed = printed
        self.reason_unreadable = reason_unreadable


def fill_merged(rows: list[list]) -> list[list[str]]:
    """None marks a merged cell: take the value from above (row span) or the left (column span).

    Rows keep their own length: text tables omit trailing and merged cells, and the
    block reader aligns short rows by their values.
    """
    out: list[list[str]] = []
    for i, row in enumerate(rows):
        filled: list[str] = []
        total_row = bool(row) and clean(row[0]).startswith(("合计", "总计", "小计"))  # spans sideways
        for j, cell in enumerate(row):
            if cell is None:
                above = out[i - 1][j] if i and j < len(out[i - 1]) and out[i - 1][j] else None
                use_above = above is not None and j < 3 and not total_row
                cell = above if use_above else (filled[j - 1] if j else "")
            filled.append(str(cell))
        out.append(PrintedRow(filled, row.printed, row.reason_unreadable) if isinstance(row, PrintedRow) else filled)
    return out


# ---------------------------------------------------------------- headers


MONEY_FIELDS = ("initial", "adjusted", "spent")  # the money columns of a fund table or a project list


def header_word(kind: str, field: str) -> str:
    """The lexicon's first header word of a column (table_headers): the header a rebuilt table is given,
    which the block reader then reads by meaning like any other."""
    return lexicon()["table_headers"][kind][field][0]


@dataclass
class Block:
    kind: str  # indicator | fund | project_list
    columns: dict[str, int]  # field -> header column index
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    page: int = 1


REASON_WORD = "原因"  # in the header of every column that explains a shortfall
MAX_QUALIFIER = 4  # "自评得分", "年度目标值", "本年实际完成值": a short qualifier before a header word


def _rank(cell: str, words: list[str]) -> tuple[int, int]:
    """How well a header cell names a column: the whole cell (3), its start (2), or its end after a short
    qualifier (1), then the length of the word — so 调整后预算数 is 调整后预算数, not 预算数."""
    return _rank_of(cell, tuple(words))


@lru_cache(maxsize=8192)  # every row of every table is tried as a header: the same cells come back again and again
def _rank_of(cell: str, words: tuple[str, ...]) -> tuple[int, int]:
    bare = _PAREN.sub("", cell)
    best = (0, 0)
    for w in words:
        if bare == w:
            rank = 3
        elif bare.startswith(w):
            rank = 2
        elif bare.endswith(w) and len(bare) - len(w) <= MAX_QUALIFIER and not re.search(r"\d", bare):
            rank = 1
        else:
            continue
        best = max(best, (rank, len(w)))
    return best


def _match(cell: str, words: list[str]) -> bool:
    return _rank(cell, words)[0] > 0


MAX_HEADER_FIGURES = 1  # a row with more bare figures than this holds data: its words are no column names


def classify_header(row: list[str]) -> Block | None:
    cells = [clean(c) for c in row]
    if sum(1 for c in cells if _IS_NUMBER.match(c.replace(",", ""))) > MAX_HEADER_FIGURES:
        return None  # "过程 | 预算执行 | 预算执行率 | 5 | 4.6 | 全年预算执行率92%" is a row, not a fund header
    best = None
    for kind, spec in lexicon()["table_headers"].items():
        # each field to the cell naming it best (exact before a start before an end after a qualifier), each
        # cell to one field: "年度预算数(万元)" titles a form's rows where "年初预算" names the column
        candidates = sorted(((rank, -index, fld) for index, cell in enumerate(cells) if cell
                             for fld, ws in spec.items() if (rank := _rank(cell, ws))[0] > 0), reverse=True)
        columns: dict[str, int] = {}
        for _, minus_index, fld in candidates:
            if fld not in columns and -minus_index not in columns.values():
                columns[fld] = -minus_index
        if "reason" in spec and "reason" not in columns:
            # "未达95%原因", "执行率低于95%的原因": a cell that asks for a cause is the reason column, whatever qualifies it
            asked = [i for i, c in enumerate(cells) if REASON_WORD in c and i not in columns.values()]
            if asked:
                columns["reason"] = asked[0]
        if kind == "indicator" and "name" not in columns:
            # "绩效指标" names the item column only where no 三级指标 / 指标名称 does (elsewhere it titles a block)
            exact = [i for i, c in enumerate(cells) if c in lexicon()["cell_table_indicator_name"] and i not in columns.values()]
            if exact:
                columns["name"] = exact[0]
        if kind == "indicator":
            _level_score_columns(cells, spec, columns)
        if not _enough(kind, columns):
            continue
        # a list with a 项目名称 column is a project list, however many money columns it shares
        preferred = kind == "project_list" and "name" in columns
        if best is None or preferred or (len(columns) > len(best.columns) and best.kind != "project_list"):
            best = Block(kind, columns, cells)
    return best


LEVELS = ("level1", "level2", "name")  # an indicator table's level columns, outermost first


def _level_score_columns(cells: list[str], spec: dict, columns: dict[str, int]) -> None:
    """A scoring table gives each level its own 分值 / 得分 column ("一级指标 | 分值 | 二级指标 | 分值 | 三级指标 |
    分值 | 评分标准 | 得分"): each such column belongs to the level column nearest on its left. The deepest
    level's keep the plain field names (an indicator's weight and score); the outer ones are named for their
    level (level1_weight: the group's marks). Without a 三级 column the 二级 column names the indicators."""
    if "name" not in columns and "level2" in columns and "target" not in columns:
        columns["name"] = columns.pop("level2")
    levels = sorted((columns[k], k) for k in LEVELS if k in columns)
    if len(levels) < 2:
        return
    taken = {i for k, i in columns.items() if k not in ("weight", "score")}
    for fld in ("weight", "score"):
        at = [i for i, c in enumerate(cells) if i not in taken and _match(c, spec[fld])]
        if len(at) < 2:
            continue
        owners = {i: _named_level(cells[i]) or next((k for index, k in reversed(levels) if index < i), None) for i in at}
        leaf = [i for i in at if owners[i] == levels[-1][1]]  # the deepest level's own
        if not leaf:
            continue
        columns[fld] = leaf[0] if fld == "weight" else leaf[-1]
        for i in at:
            if owners[i] not in (None, levels[-1][1]):
                columns.setdefault(f"{owners[i]}_{fld}", i)


def _named_level(cell: str) -> str | None:
    """The level a 分值 / 得分 header names itself ("一级分值", "三级得分"), whatever column it stands in."""
    return next((level for level, prefixes in lexicon()["indicator_levels"].items() if cell.startswith(tuple(prefixes))), None)


def _enough(kind: str, columns: dict[str, int]) -> bool:
    if kind == "indicator":
        scored = {"weight", "score"} <= set(columns)  # a scoring table: levels, 分值, 评分标准, 得分
        return ("name" in columns or "level1" in columns) and (
            scored or len({"target", "actual", "score"} & set(columns)) >= 2)
    if kind == "fund":
        return len({"initial", "adjusted", "spent", "rate"} & set(columns)) >= 2 and "name" not in columns
    return "name" in columns and len({"initial", "adjusted", "spent"} & set(columns)) >= 2


_NUMERIC_FIELDS = ("initial", "adjusted", "spent", "rate")
_IS_NUMBER = re.compile(rf"^-?(?:{NUM})%?$")


def _shift(block: Block, cells: list[str]) -> int:
    """How many header columns the row lacks at its start (a merged row-label column).

    Money blocks align the first figure of the row with the first money column; indicator
    blocks drop the header's leading cells that name no field, as far as the row is short.
    """
    if block.kind in ("fund", "project_list"):
        # the shift under which most money/rate columns hold numbers (ties: the smaller shift)
        numeric = {f: block.columns[f] for f in _NUMERIC_FIELDS if f in block.columns}

        def fits(shift: int) -> int:
            score = 0
            for fld, col in numeric.items():
                cell = cells[col - shift].replace(",", "") if 0 <= col - shift < len(cells) else ""
                if _IS_NUMBER.match(cell):  # a rate column holds a percentage, money columns do not
                    score += 1 if (fld == "rate") == cell.endswith("%") else -1
            return score

        return max(range(0, (min(numeric.values()) if numeric else 0) + 1), key=lambda k: (fits(k), -k))
    leading = 0
    for index in range(len(block.header)):
        if index in block.columns.values():
            break
        leading += 1
    level1 = block.columns.get("level1")
    if leading and level1 is not None and level1 < len(cells) and not _LEVEL1_LABEL.match(cells[level1]):
        # the row's level-1 label (产出指标 …) stands where the header's title cell is: the title
        # cell spans the rows and the row was typed from the first column, its last cells left empty
        for shift in range(1, leading + 1):
            if _LEVEL1_LABEL.match(cells[level1 - shift]):
                return shift
    return min(leading, max(len(block.header) - len(cells), 0))


_LEVEL1_LABEL = re.compile(rf"^(?:{alternation('indicators.level1_row_labels')})(?:指标)?(?:[(（]\d+(?:\.\d+)?分[)）])?$")


def _aligned(block: Block, row: list[str]) -> dict[str, str]:
    """Cells by field, aligned to the header."""
    cells = [clean(c) for c in row]
    shift = _shift(block, cells)
    out = {}
    for fld, index in block.columns.items():
        j = index - shift
        if 0 <= j < len(cells):
            out[fld] = cells[j]
    return out


_FORM_LABELS = words("form_labels")


def _ends_block(row: list[str]) -> bool:
    first = clean(row[0]) if row else ""
    return first.startswith(_FORM_LABELS)


def _continued_rows(previous: Table, last_page: int, table: Table) -> list[list] | None:
    """The rows `table` adds to `previous` (whose last part is on `last_page`) when it is that table going
    on over the page break: it starts headless, or repeats the header of the block `previous` ends with."""
    if not table.rows or table.page != last_page + 1:
        return None
    headers = [h for h in (classify_header(r) for r in fill_merged(previous.rows)) if h is not None]
    if not headers:
        return None
    first = classify_header(fill_merged(table.rows[:1])[0])
    if first is None:
        return table.rows
    return table.rows[1:] if first.header == headers[-1].header else None  # the repeated header left out


def join_continued(tables: list[Table]) -> list[Table]:
    """A table that goes on over page breaks comes back in parts: join them into one, so its block is
    read whole (its level-1 cells carried on, its rows counted together)."""
    joined: list[Table] = []
    last_pages: list[int] = []
    for table in tables:
        rows = _continued_rows(joined[-1], last_pages[-1], table) if joined else None
        if rows is not None:
            joined[-1] = Table(joined[-1].page, joined[-1].rows + rows)
            last_pages[-1] = table.page
        else:
            joined.append(table)
            last_pages.append(table.page)
    return joined


MIN_OTHER_HEADER_WORDS = 2  # header words of a row without figures that start a table of another kind


def _other_header(row: list) -> bool:
    """A row of header words only, of a table no block reader reads ("评价维度 | 分值 | 得分" after a project
    list): the rows after it are that table's, not the block's."""
    cells = [clean(c) for c in row if clean(c)]
    if any(_IS_NUMBER.match(c.replace(",", "")) for c in cells):
        return False
    every = [w for spec in lexicon()["table_headers"].values() for ws in spec.values() for w in ws]
    return sum(1 for c in cells if _match(c, every)) >= MIN_OTHER_HEADER_WORDS


def _wrapped_header_row(row: list, after: list | None) -> list[str] | None:
    """A header whose cells wrapped onto a second row ("一级 | 分 | 得" over "指标 | 值 | 分"): the two rows
    joined cell by cell, where neither holds a figure and only the joined row names columns."""
    if after is None or len(after) != len(row) or classify_header(row) is not None or classify_header(after) is not None:
        return None
    if any(_IS_NUMBER.match(clean(c).replace(",", "")) for c in (*row, *after)):
        return None
    joined = [clean(a) + clean(b) for a, b in zip(row, after)]
    return joined if classify_header(joined) is not None else None


def blocks_of(table: Table) -> list[Block]:
    rows = fill_merged(table.rows)
    blocks: list[Block] = []
    current: Block | None = None
    skip = False
    for at, row in enumerate(rows):
        if skip:  # the second line of a wrapped header
            skip = False
            continue
        joined = _wrapped_header_row(row, rows[at + 1] if at + 1 < len(rows) else None)
        if joined is not None:
            row, skip = joined, True
        header = classify_header(row)
        if header is not None:
            header.page = table.page
            blocks.append(header)
            current = header
            continue
        if current is None or not any(clean(c) for c in row):
            continue
        if _ends_block(row) or _other_header(row):
            current = None  # the form goes on with fields that belong to no block, or another table starts
            continue
        if len(row) > 1 and clean(row[0]) == current.header[0] and current.header[0] not in ("", None) \
                and not _IS_NUMBER.match(clean(row[1]).replace(",", "")):
            # the block's title cell merged down its rows (Word): the row starts after it (and has a label
            # of its own; a figure next means the title names the row: 年度资金总额 | 2540.46 | …)
            row = row[1:]
        current.rows.append(row)
    return blocks


# ---------------------------------------------------------------- values


def _quantity(text: str, default_unit: str = "") -> tuple[Quantity | None, str | None]:
    """'≥95%' -> (95 %, '≥'); '30' with unit column 万元; '完成' -> (None, None)."""
    m = _NUMBER.match(text or "")
    if not m:
        return None, None
    unit = m.group("unit") or default_unit
    direction = m.group("dir") or ""
    direction = {"不低于": "≥", "不少于": "≥", "大于": ">", "不高于": "≤", "不超过": "≤", "小于": "<",
                 ">=": "≥", "<=": "≤", "＞": ">", "＜": "<"}.get(direction, direction)
    if m.group("tail") == "以上":
        direction = direction or "≥"
    elif m.group("tail") in ("以内", "以下"):
        direction = direction or "≤"
    if unit == "%":
        return percent(m.group("num")), direction or None
    if unit in ("万元", "元", "亿元"):
        return money(m.group("num"), unit), direction or None
    return plain(m.group("num"), unit), direction or None


def _score(text: str) -> Quantity | None:
    q, _ = _quantity(text)
    return plain(str(q.value), "分") if q is not None and q.unit in ("", "分") else None


def _money_cell(text: str, unit: str) -> Quantity | None:
    m = re.fullmatch(rf"(?P<num>{NUM})", (text or "").replace("，", ","))
    return money(m.group("num"), unit) if m else None


def _level1(text: str) -> str:
    m = _LEVEL1.search(text or "")
    return m.group(1) if m else (text or "").replace("指标", "")


# ---------------------------------------------------------------- facts


FULL_MARKS = Decimal(100)


def _report_total(label: str, numbers: list[str]) -> bool:
    """A 总分 row is the report's total score; a 合计 / 总计 row only when it shows the full 100 marks
    beside the score — otherwise it may total one section's table (产出指标 合计 30 28)."""
    if label.startswith("总分"):
        return True
    values = [Decimal(n.rstrip("%").replace(",", "")) for n in numbers]
    return len(values) >= 2 and FULL_MARKS in values[:-1]


_NAMELIKE = re.compile(r"[\u4e00-\u9fff]{2}")  # an indicator's name has words in it


def _is_subtotal(name: str, level1: str) -> bool:
    return any(name.endswith(w) or level1.endswith(w) for w in words("subtotal_words"))


def _names_level1(block: Block, cells: dict[str, str]) -> bool:
    """Whether the level-1 cell is one though its word may name a level-2 group too (满意度): the table has
    no level-2 column, the cell states the group's marks ("满意度指标(10分)"), or a level-2 cell of its own
    stands beside it."""
    own, level2 = clean(cells.get("level1") or ""), clean(cells.get("level2") or "")
    if "level2" not in block.columns or _LEVEL1_MARKS.match(own):
        return True
    return bool(level2) and level2 != own and bool(_LEVEL1_LABEL.match(own))


def _parents_of(level2: str) -> list[str]:
    """The level-1 groups a level-2 name can belong to (社会效益指标 -> 效益; 服务对象满意度 -> 满意度 or 效益)."""
    return [parent for parent, children in lexicon()["indicators"]["level2_parent"].items()
            if any(level2.startswith(c) for c in children)]


def _stated_group(block: Block, row: list, cells: dict[str, str], level1: str, facts: list[Fact]) -> Fact | None:
    """A level-1 group's marks (and score) as its own cells state them, the first time the group's row shows
    them: a scoring table's 一级指标 | 分值 | … | 得分 columns, or a table of the parts alone (决策 | 20 | 18)."""
    if not level1 or any(f.kind == "indicator_group" and f.fields["name"] == level1 for f in facts):
        return None
    parts_only = "name" not in block.columns
    marks = _score(cells.get("weight" if parts_only else "level1_weight", ""))
    if marks is None:
        return None
    fields = {"name": level1, "full_marks": marks}
    score = _score(cells.get("score" if parts_only else "level1_score", ""))
    if score is not None:
        fields["score"] = score
    return Fact("indicator_group", f"{level1}指标", fields, [Evidence(block.page, _row_text(row)[:200])],
                "table.indicator-subtotal", anchor="header")


def indicator_facts(block: Block, quote: str) -> list[Fact]:
    facts = []
    previous_level1 = ""
    for row in block.rows:
        cells = _aligned(block, row)
        name = cells.get("name") or ""
        first = clean(row[0]) if row else ""
        if first.startswith(("合计", "总分", "总计")):
            numbers = [c for c in (clean(x) for x in row[1:]) if _IS_NUMBER.match(c)]
            if numbers and _report_total(first, numbers):  # the form's total row: its last figure is the total score
                fields = {"score_total": plain(numbers[-1], "分"), "score_in_form": True}
                if len(numbers) >= 2:  # and the figure before it the table's marks
                    fields["marks_in_form"] = plain(numbers[-2], "分")
                facts.append(Fact("self_evaluation", "绩效自评", fields, [Evidence(block.page, _row_text(row))],
                                  "table.indicator-total", anchor="header"))
            continue
        own_level1 = clean(cells.get("level1") or "")
        if _execution_block(block, own_level1, name, previous_level1):
            execution = _execution_row(block, row, cells)  # "预算执行率 | | | 100% | 100% | 10 | 10": no indicator
            if execution is not None:
                facts.append(execution)
            continue
        if _is_subtotal(name, cells.get("level1") or ""):  # "产出指标合计 | 40 | 40": a group's subtotal
            subtotal = _subtotal_fact(block, row, cells, previous_level1)
            if subtotal is not None:
                facts.append(subtotal)
            continue
        if not (name or cells.get("level1")):
            continue
        if name and not _NAMELIKE.search(name):
            continue  # "3", "%": a figure in the name column means the row's cells are misaligned
        level1 = cells.get("level1") or previous_level1
        if level1 and _LEVEL2_HINT.match(level1) and previous_level1 and not _names_level1(block, cells):
            # a level-2 name in the level-1 column: the level-1 cell merged away
            level1 = previous_level1
        parents = _parents_of(cells.get("level2") or "")
        if parents and _level1(level1) not in parents:  # a table split across pages loses its merged cell
            level1 = parents[0]
        previous_level1 = level1 or previous_level1
        group = _stated_group(block, row, cells, _level1(level1), facts)
        if group is not None:
            facts.append(group)
        if "name" not in block.columns:  # a table of the level-1 parts only: its rows are the groups
            continue
        marks = _LEVEL1_MARKS.match(clean(cells.get("level1") or ""))
        if marks and not any(f.kind == "indicator_group" and f.fields["name"] == _level1(level1) for f in facts):
            # "产出指标(50分)": the level-1 cell states its group's marks
            facts.append(Fact("indicator_group", f"{_level1(level1)}指标",
                              {"name": _level1(level1), "full_marks": plain(marks.group("marks"), "分")},
                              [Evidence(block.page, _row_text(row)[:200])], "table.indicator-subtotal", anchor="header"))
        unit = cells.get("unit") or ""
        target, direction = _quantity(cells.get("target", ""), unit or _unit_of_name(name))
        # "≤202.6万元 | 132.9", "=42个 | 42": a bare actual value is in the unit of its target
        achieved, _ = _quantity(cells.get("actual", ""), unit or (target.unit if target is not None else _unit_of_name(name)))
        direction = clean(cells.get("direction") or "") or direction or ""
        fields: dict = {"level1": _level1(level1), "name": name or level1}
        if cells.get("level2"):
            fields["level2"] = cells["level2"]
        if direction:
            fields["direction"] = {">=": "≥", "<=": "≤", "＝": "="}.get(direction, direction)
        for key, column, value in (("target", "target", target), ("achieved", "actual", achieved)):
            if value is not None:
                fields[key] = Quantity(value.value, value.places, value.unit, value.written)
            elif cells.get(column):
                fields[f"{key}_text"] = cells[column]
        for key in ("weight", "score"):
            value = _score(cells.get(key, ""))
            if value is not None:
                fields[key] = value
        if cells.get("criteria") and _NAMELIKE.search(cells["criteria"]):
            fields["criteria"] = cells["criteria"]
        if cells.get("reason") and cells["reason"] not in ("/", "无", "-"):
            fields["reason"] = cells["reason"]
        elif getattr(row, "reason_unreadable", False):
            fields["reason_unreadable"] = True
        text = _row_text(row)
        facts.append(Fact("indicator", f"指标：{fields['name']}", fields, [Evidence(block.page, text[:200])],
                          f"table.{block.kind}", anchor="header"))
    return facts


_EXECUTION_ROW = re.compile(rf"^(?:{alternation('score_parts.execution_names')})(?:[(（]\d+(?:\.\d+)?分[)）])?$")


def _execution_block(block: Block, level1: str, name: str, previous_level1: str) -> bool:
    """Whether a row is the form's execution block ("预算执行率 | | | 100% | 100% | 10 | 10"), scored on the
    rate: its level-1 cell names it, or its name does outside a group that scores execution among its own
    indicators. In a table of level-1 parts only, a part named for execution but not for its rate
    (预算执行 | 30 | 28.5) is a part of the framework with indicators of its own, not the rate's score."""
    if "name" not in block.columns:
        return bool(_EXECUTION_ROW.match(level1)) and _PAREN.sub("", level1).endswith("率")
    return bool(_EXECUTION_ROW.match(level1)) or (bool(_EXECUTION_ROW.match(name)) and not _holds_execution(level1 or previous_level1))


def _holds_execution(level1: str) -> bool:
    """Whether a level-1 group scores budget execution among its own indicators (过程 of a department's
    scoring table), so that a 预算执行率 row in it is one of its indicators, not the form's execution block."""
    return _level1(level1) in words("indicators.groups_holding_execution")


def _execution_row(block: Block, row: list, cells: dict[str, str]) -> Fact | None:
    """The execution block written as a row of the indicator table: its marks and score, and its rate
    (the row's result) where it is a percentage."""
    fields: dict = {}
    for key in ("weight", "score"):
        value = _score(cells.get(key, ""))
        if value is not None:
            fields[key] = value
    rate, _ = _quantity(cells.get("actual", ""), "%")
    if rate is not None and rate.unit == "%":
        fields["rate"] = rate
    if not {"weight", "score"} <= set(fields):
        return None
    return Fact("execution_score", "预算执行率得分", fields, [Evidence(block.page, _row_text(row)[:200])],
                "table.indicator-execution", anchor="header")


def _subtotal_fact(block: Block, row: list, cells: dict[str, str], previous_level1: str) -> Fact | None:
    """A group's 合计 row as the group's marks and score as the table states them: from the weight and
    score columns where the row is the header's width, else from its only two figures (分值 before 得分)."""
    label = clean(row[0]) if row else ""
    group = _level1(label) if _LEVEL1.search(label) else _level1(previous_level1)
    if not group:
        return None
    if len(row) >= len(block.header):
        weight, score = _score(cells.get("weight", "")), _score(cells.get("score", ""))
    else:
        figures = [c for c in (clean(x) for x in row[1:]) if c]
        if len(figures) != 2:
            return None
        weight, score = _score(figures[0]), _score(figures[1])
    if weight is None or score is None:
        return None
    return Fact("indicator_group", f"{group}指标", {"name": group, "full_marks": weight, "score": score},
                [Evidence(block.page, _row_text(row)[:200])], "table.indicator-subtotal", anchor="header")


_LEVEL1_MARKS = re.compile(rf"^(?:{alternation('indicators.level1_in_tables')})(?:指标)?[(（](?P<marks>\d+(?:\.\d+)?)分[)）]$")
_COUNTED = re.compile(r"(人次|人|户|家|所|个|次)数$")


def _unit_of_name(name: str) -> str:
    """"受资助学生人数 | 14726": an indicator named for a count is counted in that unit."""
    m = _COUNTED.search(name or "")
    return m.group(1) if m else ""


def table_unit(block: Block, default: str = "万元") -> str:
    """The money unit a header states ("(元)", "（万元）"), else the document's usual one."""
    for h in block.header:
        for unit in ("万元", "亿元", "元"):
            if f"({unit})" in h or f"（{unit}）" in h:
                return unit
    return default


def _row_text(row: list) -> str:
    return getattr(row, "printed", "") or " | ".join(c for c in (clean(x) for x in row) if c)


def _money_and_rate(cells: dict[str, str], unit: str, rate_key: str) -> dict:
    """The budget, adjusted and spent columns as money in `unit`, the rate column as a percentage."""
    out: dict = {}
    for key in MONEY_FIELDS:
        value = _money_cell(cells.get(key, ""), unit)
        if value is not None:
            out[key] = value
    rate, _ = _quantity(cells.get("rate", ""), "%")  # a bare figure in the rate column is a percentage
    if rate is not None and rate.unit == "%":
        out[rate_key] = rate
    return out


_NO_REASON = ("/", "-", "—", "无", "－")  # a reason cell left empty in words
MAX_SCORE = Decimal(100)  # a weight or a score above this is no score: the row's cells are misaligned
MAX_RATE = Decimal(1000)  # an execution rate of more than 1000 % is a misread figure


def _plausible(values: dict) -> bool:
    """Whether a row's typed cells fit their columns' meaning: a flattened form row that put a budget in
    the score column is misaligned. (A row that ran into the next one keeps its leading cells, which
    align with the header; the surplus is the next row's.)"""
    weight, score, rate = values.get("weight"), values.get("score"), values.get("rate")
    if any(q is not None and not (0 <= q.value <= MAX_SCORE) for q in (weight, score)):
        return False
    if weight is not None and score is not None and score.value > weight.value:
        return False
    return rate is None or 0 <= rate.value <= MAX_RATE


_ROW_VALUE_FIELDS = (*MONEY_FIELDS, "weight", "rate", "score")


def _scores_without_rate(block: Block, row: list) -> dict:
    """The weight and score of a flattened form's row whose rate was printed elsewhere ("250000.00
    250000.00 215,457.6 10 8.62" under 年初预算数 全年预算数 全年执行数 分值 执行率 得分): the row's figures
    after its label fill the value columns in order, the rate column taking only a percentage. Kept
    only where they fit (a score no more than its weight, both marks)."""
    cells = [clean(c) for c in row[1:]]
    order = sorted((index, fld) for fld, index in block.columns.items() if fld in _ROW_VALUE_FIELDS)
    if not {"weight", "score"} <= {fld for _, fld in order}:
        return {}
    typed: dict[str, str] = {}
    at = 0
    for _, fld in order:
        if at >= len(cells):
            return {}
        if fld == "rate" and not cells[at].endswith("%"):
            continue
        typed[fld] = cells[at]
        at += 1
    scores = {key: _score(typed[key]) for key in ("weight", "score")}
    return scores if _plausible(scores) and None not in scores.values() else {}


def fund_rows(block: Block, default_unit: str = "万元") -> tuple[dict | None, list[dict]]:
    """The total row and the 其中 part rows of a fund block, as {field: Quantity}."""
    unit = table_unit(block, default_unit)
    total, parts = None, []
    words = lexicon()["fund_rows"]
    for row in block.rows:
        cells = _aligned(block, row)
        label = clean(row[0]) if row else ""
        values: dict = {"label": label, "text": _row_text(row), **_money_and_rate(cells, unit, "rate")}
        # a row that ends before the header's money columns do lost cells (a form flattened to text drops
        # its empty cells): where its figures belong is a guess
        values["cells_lost"] = any(key in block.columns and key not in cells for key in MONEY_FIELDS)
        reason = cells.get("reason", "")
        if reason and reason not in _NO_REASON:
            values["reason"] = reason
        for key in ("weight", "score"):
            score = _score(cells.get(key, ""))
            if score is not None:
                values[key] = score
        if not _plausible(values):
            # a row that ran into the next one has more cells than the header: its money columns lead it and
            # are kept; a row no longer than the header whose cells do not fit is misaligned (a header that
            # wrapped and lost a column): none of its figures is where the header says
            label_column = 0 not in block.columns.values()  # else the header lost its label column's cell
            surplus = len([c for c in row if clean(c)]) - (0 if label_column else 1) > len(block.header)
            for key in ("rate", "weight", "score") if surplus else ("rate", "weight", "score", *MONEY_FIELDS):
                values.pop(key, None)
            values.update(_scores_without_rate(block, row))
        if total is None and any(label.startswith(w) for w in words["total"]):
            total = values
        elif total is not None and (label.startswith(tuple(words["part_prefix"])) or parts):
            parts.append(values)
    return total, parts


def project_list_facts(block: Block, default_unit: str = "万元") -> list[Fact]:
    unit = table_unit(block, default_unit)
    facts = []
    for row in block.rows:
        cells = _aligned(block, row)
        name = cells.get("name", "")
        if not name or name.startswith(("合计", "总计", "小计")) or _is_subtotal(name, ""):  # 支出合计: no project
            continue
        fields: dict = {"name": name, **_money_and_rate(cells, unit, "rate_stated")}
        reason = cells.get("reason", "")
        if reason and reason not in ("/", "-", "无", "—"):
            fields["explanation"] = reason
        if len(fields) > 1:
            facts.append(Fact("project", f"项目：{name}", fields, [Evidence(block.page, _row_text(row)[:200])],
                              "table.project_list", anchor="header"))
    return facts


# ---------------------------------------------------------------- flattened tables

_NUM_TOKEN = re.compile(rf"^-?(?:{NUM})%?$")
_BLOCK_END = re.compile(r"指标|目标|绩效|说明|情况|完成")


_UNIT_CELL = re.compile(r"^[(（](万元|亿元|元)[)）]$")  # a cell that is a unit alone
UNIT_AFTER = 40  # how far after its header a flattened form's unit cell may stand


def space_tables(lines) -> list[Table]:
    """Spreadsheet forms flattened to one line of space-separated cells:
    "项目资金(万元) 年初预算数 全年预算数 全年执行数 … 年度资金总额: 0 0 0 … 其中:本年财政拨款 202.64 …".

    The run of header words gives the columns; each label followed by numbers is a row.
    Rebuilt as a Table so the fund block reader handles it like any other table.
    """
    spec = lexicon()["table_headers"]["fund"]
    words = [w for ws in spec.values() for w in ws]
    tables = []
    for line in lines:
        tokens = _header_cells(line.text.split(), words)
        if len(tokens) < 6:
            continue
        header_at = [i for i, t in enumerate(tokens) if _match(clean(t), words)]
        runs = _runs(header_at)
        if not runs or len(runs[0]) < 2:
            continue
        start, end = runs[0][0], runs[0][-1] + 1
        if _wrapped_header(tokens[start:end], tokens[end: end + WRAP_TAIL]):
            continue  # the header's lines were printed wrapped: its words' order is not the columns' order
        before = "".join(tokens[max(0, start - 3): start])
        unit = next((u for u in ("万元", "亿元", "元") if f"({u})" in before or f"（{u}）" in before), "")
        if not unit:  # a PDF read out of order prints the header's "项目资金 (元)" after the figures
            unit = next((m.group(1) for t in tokens[end:end + UNIT_AFTER] if (m := _UNIT_CELL.match(t))), "")
        header = [f"资金来源({unit})" if unit else "资金来源"] + [clean(t) for t in tokens[start:end]]
        rows, label, numbers = [header], [], []
        for token in tokens[end:]:
            if _NUM_TOKEN.match(token.replace(",", "")):
                numbers.append(token)
                continue
            if numbers or (label and len(label) > 6):
                if numbers:
                    rows.append(["".join(label).rstrip(":：") or "合计"] + numbers)
                label, numbers = [], []
                if len(rows) > 12:
                    break
            if _BLOCK_END.search(token):
                break  # the form moves on to targets and indicators
            label.append(token)
        if numbers:
            rows.append(["".join(label).rstrip(":：") or "合计"] + numbers)
        if len(rows) >= 2:
            tables.append(Table(line.page, rows))
    return tables


WRAP_TAIL = 3  # tokens after a header run where the ends of its wrapped cells would stand
MAX_WRAPPED_PIECE = 2  # characters of a header cell's end printed on a line of its own ("数", "率")


def _wrapped_header(header: list[str], after: list[str]) -> bool:
    """A header whose cells were printed wrapped over lines ("调整后预算" … "数"): a lone piece after it
    completes one of its cells into another header word of the lexicon. Then its words' order on the line
    is not the columns' order."""
    known = {w for kind in ("fund", "project_list", "indicator") for ws in lexicon()["table_headers"][kind].values() for w in ws}
    pieces = [clean(t) for t in after if len(clean(t)) <= MAX_WRAPPED_PIECE]
    return any(clean(h) + p in known for h in header for p in pieces if p)


def _header_cells(tokens: list[str], words: list[str]) -> list[str]:
    """Header cells a PDF line break ran together ("分值" + "执行率" -> "分值执行率") split again: a token
    made wholly of header words, longest first, is those words."""
    out = []
    for token in tokens:
        rest, parts = clean(token), []
        while rest:
            word = max((w for w in words if rest.startswith(w)), key=len, default=None)
            if word is None:
                break
            parts.append(word)
            rest = rest[len(word):]
        out.extend(parts if not rest and len(parts) > 1 else [token])
    return out


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return sorted(runs, key=len, reverse=True)


# ---------------------------------------------------------------- flattened indicator tables

_LEVEL1_TOKEN = re.compile(rf"^({alternation('indicators.level1_tokens')})指标([(（]\d+(?:\.\d+)?分[)）])?$")
_LEVEL2_TOKEN = re.compile(rf"^({alternation('indicators.level2')})指标$")
# a level-1 cell of a scoring table: the group's word alone, 指标 and its marks optional (决策, 过程(25分))
_LEVEL1_WORD = re.compile(rf"^({alternation('indicators.level1_in_tables')})(?:指标)?(?:[(（]\d+(?:\.\d+)?分[)）])?$")
_INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"]
_REASON_HINT = re.compile(r"原因|由于|因|未|偏差|滞后|影响")


def space_indicator_tables(lines) -> list[Table]:
    """Indicator blocks of spreadsheet forms flattened to space-separated cells:
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 … 产出指标(50分) 数量指标 补助村数量 =8个 8 8 8 …".

    Each indicator ends with its two figures 分值 and 得分; the cells before them are the name,
    target and actual value, with level-1 and level-2 cells where a new group starts.
    """
    spec = lexicon()["table_headers"]["indicator"]
    words = [w for ws in spec.values() for w in ws]
    tables = []
    for line in lines:
        if "指标" not in line.text:
            continue  # every indicator header names its 指标 columns
        tokens = _header_cells(line.text.split(), words)
        header_at = [i for i, t in enumerate(tokens) if _match(clean(t), words)]
        runs = _runs(header_at)
        if not runs or len(runs[0]) < 4:
            continue
        header = classify_header([clean(t) for t in tokens[runs[0][0]: runs[0][-1] + 1]])
        if header is None or header.kind != "indicator" or not {"weight", "score"} <= set(header.columns):
            continue
        rows = _indicator_rows(tokens[runs[0][-1] + 1:])
        if rows:
            tables.append(Table(line.page, [_INDICATOR_HEADER] + rows))
    return tables


def _indicator_rows(tokens: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    level1 = level2 = ""
    pending: list[str] = []
    numbers: list[str] = []

    def close() -> None:
        nonlocal pending, numbers
        cells = pending + numbers
        if len(numbers) >= 2 and len(cells) >= 4:
            rest, (weight, score) = cells[:-2], cells[-2:]
            name, target, actual = (rest[-3:] if len(rest) >= 3 else rest[-2:] + [""])
            extra = rest[:-3] if len(rest) >= 3 else rest[:-2]
            if extra and not _attach_reason(rows, extra):
                name = "".join(extra) + name  # a name typed with spaces
            rows.append([level1, level2, name, target, actual, weight, score, ""])
            pending, numbers = [], []
        elif numbers:
            pending, numbers = pending + numbers, []

    total: list[str] = []
    for at, token in enumerate(tokens):
        cell = clean(token)
        if _NUM_TOKEN.match(cell.replace(",", "")):
            numbers.append(cell)
            continue
        close()
        if _LEVEL2_TOKEN.match(cell) and (level1.startswith("产出") or not _LEVEL1_TOKEN.match(cell)):
            level2, pending = cell, []  # 成本指标 is a level-2 cell under 产出, a level-1 one elsewhere
        elif _LEVEL1_TOKEN.match(cell):
            level1, level2, pending = cell, "", []
        elif cell.startswith(_FORM_LABELS + ("合计", "总分")):
            # the form moves on to its conclusion; its 总分 row (分值 and 得分) is the indicator reader's to judge
            figures = [clean(t) for t in tokens[at + 1: at + 3]]
            if _TOTAL_CELL.match(cell) and all(_NUM_TOKEN.match(f.replace(",", "")) for f in figures):
                total = [cell] + figures
            break
        else:
            pending.append(cell)
    close()
    _attach_reason(rows, pending)
    return rows + ([total + [""] * (len(_INDICATOR_HEADER) - len(total))] if total and rows else [])


def _attach_reason(rows: list[list[str]], cells: list[str]) -> bool:
    """Cells after an indicator's score that read like a deviation reason are its reason."""
    if cells and rows and not rows[-1][7] and _REASON_HINT.search("".join(cells)):
        rows[-1][7] = "".join(cells)
        return True
    return False


# ---------------------------------------------------------------- cell-per-line tables

_CELL_MAX = 16  # a table cell on a line of its own is short; a longer line is prose again
_UNIT_HEADER = re.compile(r"[(（](万元|亿元|元)[)）]")
_FIRST_HEADER = words("cell_table_first_header")
_YEARS = re.compile(r"^(19|20)\d{2}(?:[-—~至](19|20)\d{2})?$")


@dataclass
class CellRun:
    """A table copied from a web page or Word as one cell per line, its rows irregular."""

    page: int
    header: list[str]  # the header cells, in order
    unit: str  # the money unit its header states
    figures: list[tuple[int, str]]  # (page, cell) of every money cell below the header


def cell_runs(lines) -> list[CellRun]:
    """Tables whose header cells ("序号", "项目名称", …, "安排经费(万元)") stand one per line, and
    whose rows do too. Rows may lack cells, so columns cannot be told apart; every figure below a
    money header is a money amount in its unit. Row numbers (1, 2, 3 … in turn) and years are not."""
    cells = [(l.page, clean(l.text)) for l in lines if clean(l.text)]
    runs, i = [], 0
    while i < len(cells):
        page, text = cells[i]
        if not text.startswith(_FIRST_HEADER) or len(text) > _CELL_MAX:
            i += 1
            continue
        j = i
        while j < len(cells) and len(cells[j][1]) <= _CELL_MAX and not _NUM_TOKEN.match(cells[j][1].replace(",", "")):
            j += 1
        header = [t for _, t in cells[i:j]]
        units = [m.group(1) for m in map(_UNIT_HEADER.search, header) if m]
        fund = lexicon()["table_headers"]["fund"]
        scored = any(_match(h, fund["weight"] + fund["score"]) for h in header)
        if len(header) < 3 or not units or scored:  # 分值 / 得分: a self-evaluation form, read by its block readers
            i = max(j, i + 1)
            continue
        figures, ordinal = [], 1
        while j < len(cells) and len(cells[j][1]) <= _CELL_MAX:
            cell = cells[j][1].replace(",", "")
            if cell in (str(ordinal), str(ordinal + 1)):
                ordinal = int(cell) + 1  # the next row begins (a row whose number was lost is skipped)
            elif re.fullmatch(NUM, cell) and not _YEARS.match(cell):
                figures.append(cells[j])
            j += 1
        if figures:
            runs.append(CellRun(page, header, units[0], figures))
        i = j
    return runs


# ---------------------------------------------------------------- indicator tables one cell per line

_LEVEL_CELL = re.compile(rf"^(?:{alternation('indicators.level1_in_tables')}|{alternation('indicators.level2')})指标(?:[(（]\d+(?:\.\d+)?分[)）])?$")
_TOTAL_CELL = re.compile(r"^(?:总分|合计|总计)(?:[(（][^)）]{0,6}[)）])?[:：]?$")  # "总分（分）": the unit in brackets
MAX_HEADER_CELLS = 12


def _header_run(cells: list[str], start: int) -> Block | None:
    """The indicator header typed one cell per line from `start`, as a Block (its cells in order)."""
    spec = lexicon()["table_headers"]["indicator"]
    header_words = [w for ws in spec.values() for w in ws]
    name_words = words("cell_table_indicator_name")  # whole cells only: 产出指标 is a row's cell

    def is_header(cell: str) -> bool:
        return len(cell) <= _CELL_MAX and (_match(cell, header_words) or cell in name_words)

    end = start
    while end < len(cells) and end - start < MAX_HEADER_CELLS and is_header(cells[end]):
        end += 1
    block = classify_header(cells[start:end]) if end - start >= 4 else None
    return block if block is not None and block.kind == "indicator" and "name" in block.columns else None


def _is_total(cell: str) -> bool:
    """合计 / 总分, or a group's subtotal (产出指标合计)."""
    return bool(_TOTAL_CELL.match(cell)) or _is_subtotal(cell, "")


def _value_columns(block: Block) -> list[int]:
    """The columns a row's cells after its name fill: not the level, name and reason columns, nor a title
    cell the header starts with (绩效指标 | 一级指标 | …), which spans the rows and holds none of them."""
    named = {block.columns.get(k) for k in ("level1", "level2", "name", "reason")}
    first = min((block.columns[k] for k in LEVELS if k in block.columns), default=0)
    return [i for i in range(len(block.header)) if i not in named and (i > first or i in block.columns.values())]


_SCORE_CELL = re.compile(rf"^(?:{NUM})分?$")  # a weight or a score: a bare figure, no unit or percentage
# cells a unit or a direction column holds; a qualitative indicator leaves its unit cell empty, and a
# table copied without its empty cells then has one cell fewer in that row
_OPTIONAL_CELLS = {
    "unit": re.compile(rf"^(?:{_VALUE_UNITS})$"),
    "direction": re.compile(rf"^(?:[≥≤><=＞＜]=?|{alternation('indicators.direction_cells')})$"),
}


def _read_values(cells: list[str], at: int, block: Block) -> tuple[list[str], int] | None:
    """The cells from `at` read into the block's value columns in order, and where they end: a unit or
    direction column whose cell is not of its type was left empty and takes none. None when the weight
    and score columns would not hold figures (the cells do not line up)."""
    fields = {index: fld for fld, index in block.columns.items()}
    out = []
    for column in _value_columns(block):
        fld = fields.get(column)
        cell = cells[at] if at < len(cells) else None
        if fld in _OPTIONAL_CELLS and (cell is None or not _OPTIONAL_CELLS[fld].match(cell)):
            out.append("")
            continue
        if cell is None or (fld in ("weight", "score") and not _SCORE_CELL.match(cell.replace(",", ""))):
            return None
        out.append(cell)
        at += 1
    return out, at


def _fits_row(cells: list[str], at: int, block: Block) -> bool:
    """Whether a row can start at `at`: a name, then value cells whose weight and score are figures."""
    if at >= len(cells) or _LEVEL_CELL.match(cells[at]) or _is_total(cells[at]) or not _NAMELIKE.search(cells[at]):
        return False
    return _read_values(cells, at + 1, block) is not None


def _level_cells(cells: list[str], at: int, block: Block, level1: str) -> tuple[str, str, int]:
    """The level-1 / level-2 cells standing at `at` (merged cells print only where they change), as
    (level1, level2, how many cells). Two in a row are a level-1 and a level-2 cell; a lone one is a
    level-1 cell where the table has no level-2 column or it names no level-2 group, else a level-2 cell
    (满意度指标, 成本指标 may be either: a new level-1 group prints both its cells)."""
    if at + 1 < len(cells) and _LEVEL_CELL.match(cells[at + 1]) and "level2" in block.columns:
        return cells[at], cells[at + 1], 2
    cell = cells[at]
    if "level2" not in block.columns or not _LEVEL2_TOKEN.match(cell) or not level1:
        return cell, "", 1
    return level1, cell, 1


def _place(block: Block, level1: str, level2: str, name: str, values: list[str], reason: str = "") -> list[str]:
    """A row of the block's header width from the cells read by type."""
    row = [""] * len(block.header)
    for key, value in (("level1", level1), ("level2", level2), ("name", name), ("reason", reason)):
        if key in block.columns:
            row[block.columns[key]] = value
    for column, value in zip(_value_columns(block), values):
        row[column] = value
    return row


def _cell_rows(cells: list[str], at: int, block: Block) -> list[list[str]]:
    rows: list[list[str]] = []
    level1 = level2 = ""
    while at < len(cells):
        cell = cells[at]
        if _LEVEL_CELL.match(cell):
            level1, level2, n = _level_cells(cells, at, block, level1)
            at += n
            continue
        if _is_total(cell):  # a group's 合计 row or the table's: its label and the figures it prints
            end = at + 1
            while end < len(cells) and end - at <= len(block.header) and _SCORE_CELL.match(cells[end].replace(",", "")):
                end += 1
            rows.append(cells[at:end])
            at = end
            continue
        read = _read_values(cells, at + 1, block) if _fits_row(cells, at, block) else None
        if read is None:
            break  # the table ends, or its cells no longer line up: stop rather than guess
        values, at = read
        row = _place(block, level1, level2, cell, values)
        if "reason" in block.columns and at < len(cells) and not _LEVEL_CELL.match(cells[at]) \
                and not _fits_row(cells, at, block) and not _is_total(cells[at]) and len(cells[at]) <= 60 \
                and not is_heading(cells[at]):  # the section after the table
            row[block.columns["reason"]] = cells[at]
            at += 1
        rows.append(row)
    return rows


def _name_part(cell: str) -> bool:
    return not (_IS_NUMBER.match(cell.replace(",", "")) or _quantity(cell)[0] is not None
                or any(p.match(cell) for p in _OPTIONAL_CELLS.values()))


def _scores_in_place(cells: list[str], block: Block) -> bool:
    """Whether a row's weight and score columns hold figures and its name column words."""
    name = block.columns.get("name", block.columns.get("level1"))
    return all(_SCORE_CELL.match(cells[block.columns[k]].replace(",", "")) for k in ("weight", "score") if k in block.columns) \
        and name is not None and bool(_NAMELIKE.search(cells[name]))


def _line_rows(lines: list[list[str]], block: Block) -> list[list[str]]:
    """Indicator rows typed one per line, cells apart by spaces: the level cells that stand at a line's
    start, then the name, the value cells and what is left as the reason. A name typed with spaces is
    joined where only one split puts figures in the weight and score columns; other lines are dropped."""
    rows = []
    level1 = level2 = ""
    for cells in lines:
        if _is_total(cells[0]):
            rows.append(cells)  # a total row: the block reader reads its figures
            continue
        if len(cells) == len(block.header) and _scores_in_place(cells, block):
            rows.append(cells)  # every cell printed: each stands in its column
            level1 = cells[block.columns["level1"]] if "level1" in block.columns else level1
            level2 = cells[block.columns["level2"]] if "level2" in block.columns else level2
            continue
        at = 0
        while at < len(cells) - 1 and _LEVEL_CELL.match(cells[at]):
            level1, level2, n = _level_cells(cells, at, block, level1)
            at += n
        scoring = "target" not in block.columns  # a scoring table: its level names need not end in 指标
        if scoring and at < len(cells) - 1 and "level1" in block.columns and _LEVEL1_WORD.match(cells[at]):
            level1, level2, at = cells[at], "", at + 1
        splits = []
        for end in range(at + 1, len(cells)):
            if end > at + 1 and not _name_part(cells[end - 1]):
                break  # a name typed with spaces is made of words, not of figures, units or signs
            read = _read_values(cells, end, block)
            if read is None or (read[1] < len(cells) and "reason" not in block.columns):
                continue
            values, rest = read[0], cells[read[1]:]
            words_before = cells[at:end]
            row_level2 = level2
            if scoring and "level2" in block.columns and len(words_before) > 1:
                row_level2, words_before = words_before[0], words_before[1:]  # 目标设定 | 绩效 目标合理性
            splits.append(_place(block, level1, row_level2, "".join(words_before), values, "".join(rest)))
        if len(splits) == 1 and _NAMELIKE.search(splits[0][block.columns["name"]]):
            rows.append(splits[0])
    return rows


def _page_furniture(cells: list[tuple[int, str]]) -> set[int]:
    """Which cells are page furniture standing between a table's cells: a page's first or last cell
    printed as a page number ("第3页", "- 3 -", or a bare number that runs with the page: the offset from
    the page index shared by two pages or more), or a running title repeated at the edges of half the pages.
    A bare number at a page's edge that does not run with the pages is a cell."""
    pages: dict[int, list[int]] = {}
    for i, (page, _) in enumerate(cells):
        pages.setdefault(page, []).append(i)
    if len(pages) < 2:
        return set()
    edges = {i for indices in pages.values() for i in {indices[0], indices[-1]}}
    offsets = Counter(int(cells[i][1]) - cells[i][0] for i in edges if cells[i][1].isdigit())
    running = {offset for offset, n in offsets.items() if n >= 2}
    titles = Counter(cells[i][1] for indices in pages.values() for i in set(indices[:2] + indices[-2:]))
    repeated = {t for t, n in titles.items() if n >= max(3, len(pages) / 2) and not _NUM_TOKEN.match(t)}
    out = set()
    for indices in pages.values():
        for i in set(indices[:2] + indices[-2:]):
            page, text = cells[i]
            if text in repeated:
                out.add(i)
            elif i in edges and _PAGE_FURNITURE.match(text):
                if not text.isdigit() or int(text) - page in running:
                    out.add(i)
    return out


def cell_indicator_tables(lines) -> list[Table]:
    """Indicator tables copied one cell per line (web pages, Word exports): the header's cells give the
    columns; rows are read in the header's order, a level-1 / level-2 cell standing only where it changes
    and the reason cell only where there is one. Rebuilt as Tables for the indicator block reader."""
    cells = [(l.page, clean(l.text)) for l in lines if clean(l.text)]
    furniture = _page_furniture(cells)
    cells = [c for i, c in enumerate(cells) if i not in furniture]
    texts = [t for _, t in cells]
    tables, i = [], 0
    while i < len(texts):
        block = _header_run(texts, i) if len(texts[i]) <= _CELL_MAX else None
        if block is None:
            i += 1
            continue
        start = i + len(block.header)
        rows = _cell_rows(texts, start, block)
        if rows:
            tables.append(Table(cells[i][0], [block.header] + rows))
        i = start + 1 if rows else i + 1  # a title cell (绩效指标) before the header: the header starts after it
    return tables


# ---------------------------------------------------------------- tables typed as space-separated rows

MIN_ROW_CELLS = 3  # a row of a space-separated table has a label and at least two figures or cells


def _row_tokens(text: str) -> list[str]:
    return [t for t in re.split(r"\s+|\t", simplified(unicodedata.normalize("NFKC", text)).strip()) if t]


def _tab_cells(text: str, width: int) -> list[str] | None:
    """A tab-separated row's cells in place, its empty cells kept (merged cells left blank), where it has
    the header's number of cells."""
    if "\t" not in text:
        return None
    cells = [simplified(unicodedata.normalize("NFKC", c)).strip() for c in text.strip("\r\n").split("\t")]
    return cells if len(cells) == width else None


def space_row_tables(lines) -> list[Table]:
    """Tables typed as one row per line, cells apart by spaces or tabs (Excel and WPS exports, text
    pasted from them): a line whose cells are header words starts a table, the lines after it are its
    rows while they split into a row's worth of cells. Rebuilt as Tables for the block readers."""
    tables, i = [], 0
    while i < len(lines):
        header = _row_tokens(lines[i].text)
        block = classify_header(header) if len(header) >= 4 else None
        if block is None:
            i += 1
            continue
        rows, j = [], i + 1
        while j < len(lines):
            cells = _row_tokens(lines[j].text)
            if not (MIN_ROW_CELLS <= len(cells) <= len(header) + 1) or classify_header(cells) is not None:
                break
            rows.append(_tab_cells(lines[j].text, len(header)) or cells)
            j += 1
        if block.kind == "indicator":  # merged level cells are left out where they repeat: read by type
            rows = _line_rows(rows, block)
        if rows:
            tables.append(Table(lines[i].page, [header] + rows))
        i = j
    return tables


# ---------------------------------------------------------------- tables aligned with spaces

COLUMN_GAP = re.compile(r" {2,}")  # columns aligned with spaces stand two spaces apart or more; one is inside a cell
MAX_NOTE_CHARS = 8  # a short line inside a table is a page's furniture (续表, 第2页) or a title, not its end


def _aligned_cells(text: str) -> list[tuple[int, str]]:
    """(where it starts on the line, as the eye sees it; cell) of a line whose cells are apart by two spaces
    or more."""
    return [(_display_width(text[:m.start()]), m.group()) for m in re.finditer(r"\S+(?: \S+)*", text)]


def _display_width(text: str) -> int:
    """Where a cell starts as the eye sees it: a Chinese character takes two columns of a fixed-width line."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _in_columns(cells: list[tuple[int, str]], header: list[tuple[int, str]]) -> list[str]:
    """A row's cells under the header cells they overlap most as printed, else the nearest (a merged or
    empty cell leaves its column blank)."""
    spans = [(start, start + _display_width(cell)) for start, cell in header]
    row = [""] * len(spans)
    for start, cell in cells:
        end = start + _display_width(cell)

        def fit(j: int) -> tuple[int, int]:
            overlap = min(end, spans[j][1]) - max(start, spans[j][0])
            return overlap, -abs(spans[j][0] - start)

        column = max(range(len(spans)), key=fit)
        row[column] = f"{row[column]} {cell}".strip()
    return row


_UNIT_PREFIX = re.compile(r"^[(（](?:万元|亿元|元)[)）]\s*(?=\S)")  # "（万元） 年度资金总额": a spanning title's unit


def _continues(row: list[str], previous: list[str], block: Block) -> bool:
    """Whether an aligned line is the wrapped end of the row above: no figure where the row has its
    figures, and text only in the columns that hold words (names, levels, reasons)."""
    words = {block.columns.get(k) for k in ("level1", "level2", "name", "reason", "criteria")} - {None}
    filled = [j for j, c in enumerate(row) if c]
    if not filled or any(_IS_NUMBER.match(clean(row[j]).replace(",", "")) for j in filled):
        return False
    return all(j in words or not previous[j] for j in filled) and any(previous[j] for j in filled)


def aligned_tables(lines) -> list[Table]:
    """Tables typed with their columns aligned by runs of spaces (text exported from a PDF with its layout,
    a fixed-width print): a line whose cells are header words starts a table, and each line after it puts
    its cells under the header cell nearest their start. Single spaces stay inside a cell (an OCR'd
    "绩效 目标合理性", "1 0"). Tab-separated lines are the space-row reader's. A repeated header (the table
    going on over a page) and short lines (续表, a page number) are passed over; prose ends the table."""
    tables, i = [], 0
    while i < len(lines):
        text = lines[i].text.rstrip()
        aligned = "\t" not in text and COLUMN_GAP.search(text.strip())
        header_cells = _aligned_cells(text) if aligned else []
        block = classify_header([c for _, c in header_cells]) if len(header_cells) >= 4 else None
        if block is None:
            i += 1
            continue
        rows, j = [], i + 1
        first_end = _display_width(header_cells[0][1])
        while j < len(lines):
            line = lines[j].text.rstrip()
            cells = _aligned_cells(line)
            if not cells or (len(cells) == 1 and len(cells[0][1]) <= MAX_NOTE_CHARS) or _PAGE_FURNITURE.match(line.strip()):
                j += 1
                continue  # a blank line, 续表, a page number
            if "\t" in line or (len(cells) == 1 and cells[0][0] < first_end):
                break  # prose again: a line that starts at the margin with one run of text
            texts = [c for _, c in cells]
            if classify_header(texts) is not None:
                if [clean(c) for c in texts] != [clean(c) for _, c in header_cells]:
                    break  # another table's header
                j += 1
                continue  # the header repeated over a page break
            row = [_UNIT_PREFIX.sub("", c) for c in _in_columns(cells, header_cells)]
            if rows and _continues(row, rows[-1], block):
                rows[-1] = [a + b for a, b in zip(rows[-1], row)]  # a cell wrapped onto the next line
            elif "。" in line:
                break  # a sentence: prose again
            else:
                rows.append(row)
            j += 1
        if rows:
            tables.append(Table(lines[i].page, [[c for _, c in header_cells]] + rows))
        i = j
    return tables


# ---------------------------------------------------------------- one cell per line, empty cells kept

def _grid_row_fits(row: list[str], block: Block) -> bool:
    """A row of a cell-per-line grid: figures in its weight and score columns, and a name or a total."""
    scores = [row[block.columns[k]].replace(",", "") for k in ("weight", "score") if k in block.columns]
    if not all(_SCORE_CELL.match(c) for c in scores if c) or not any(scores):
        return False
    label = next((c for c in row if c), "")
    return _is_total(label) or bool(_NAMELIKE.search(label))


def cell_grid_tables(lines) -> list[Table]:
    """Indicator tables copied one cell per line with their empty cells kept as empty lines (a web page's
    table, merged cells left blank): after the header's cells, every row takes as many lines as the header
    has cells. Read while each row's weight and score columns hold figures; where the empty cells were not
    kept, the rows do not line up and the one-cell-per-line reader reads the table instead."""
    texts = [clean(l.text) for l in lines]
    tables, i = [], 0
    while i < len(texts):
        starts = bool(texts[i]) and len(texts[i]) <= _CELL_MAX and (i == 0 or _header_run(texts, i - 1) is None)
        block = _header_run(texts, i) if starts else None  # the whole header, not its tail
        width = len(block.header) if block is not None else 0
        if block is None or not {"weight", "score"} <= set(block.columns) or any(not t for t in texts[i:i + width]):
            i += 1
            continue
        rows, at = [], i + width
        while at + width <= len(texts):
            row = texts[at:at + width]
            if not any(row):
                break
            if not _grid_row_fits(row, block):
                break
            rows.append(row)
            at += width
        if len(rows) >= 2 and any(not c for r in rows for c in r):  # empty cells kept: the rows line up
            tables.append(Table(lines[i].page, [block.header] + rows))
            i = at
        else:
            i += 1
    return tables


# ---------------------------------------------------------------- a form's fields written as a list

_FIELD_LINE = re.compile(r"^\s*(?:[-*•·]\s*)?(?P<label>[^：:\s|]{2,20})\s*[：:]\s*(?P<value>[^，,。；;\s|]+)\s*$")
TOTAL_ROW_LABEL = "年度资金总额"  # the row a fund block's fields make when the form lists them one per line


def field_list_tables(lines) -> list[Table]:
    """A form's fund block written as a list of fields, one "label：value" per line ("- 年初预算数（万元）：
    1800.00", "- 执行率：96.00%", "- 得分：9.60"): where the labels name the fund columns, the run of lines
    is the block's header and its one row, the total (as the form's single row of funds is)."""
    tables, run = [], []

    fund = [w for ws in lexicon()["table_headers"]["fund"].values() for w in ws]

    def close():
        fields = [(line, m) for line, m in run if _match(clean(m.group("label")), fund)]  # not 项目名称, 主管部门
        if len(fields) >= 2:
            labels = [m.group("label") for _, m in fields]
            block = classify_header(["", *labels])
            if block is not None and block.kind == "fund":
                printed = "\n".join(line.text.strip() for line, _ in fields)
                row = PrintedRow([TOTAL_ROW_LABEL, *(m.group("value") for _, m in fields)], printed)
                tables.append(Table(fields[0][0].page, [["", *labels], row]))
        run.clear()

    for line in lines:
        m = _FIELD_LINE.match(line.text)
        if m:
            run.append((line, m))
        else:
            close()
    close()
    return tables
