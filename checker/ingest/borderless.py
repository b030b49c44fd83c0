"""Indicator tables printed without rules (an Excel sheet printed as is): rebuilt from the words' places.

Cells wrap inside their columns, so the page's text lines interleave the lines of neighbouring cells
("产出指 发放宣传资" / "数量指标 8 20000册 20973册 8" / "标 料"). The header's words give the
columns: each header cell is the words stacked in one column, and a column starts where its header
words start (cells are set flush left). Each figure of the score column marks a row; a cell's lines
are a run of words in one column, and belong to the row whose mark is nearest their middle (cells
are set in the middle of their row). The table ends at a line that runs across columns (prose) or a
gap of several lines. Only a header that reads as an indicator header by its words' meaning
(`checker.extract.tables.classify_header`) makes a table; rows whose weight or score is no figure
are left to the block reader, which drops them.
"""
from __future__ import annotations

import re

from ..model import Table

WORD_SETTINGS = {"x_tolerance": 1.5, "keep_blank_chars": False}  # cells of two columns may stand a few points apart
MIN_HEADER_WORDS = 1  # a whole header word on a line of the header (narrow columns cut the others); the band decides
SAME_LINE = 0.5  # words whose tops are within this share of their height stand on one line
CELL_GAP = 0.6  # a gap of more than this share of the line height between two lines of a column: a new cell
TABLE_GAP = 3.0  # a gap of more than this many line heights: the table has ended
COLUMN_SLACK = 2.0  # points a word may start left of its column
CONTINUED_SKIP = 2  # lines of a running title a continued table's page may start with
HEADER_LINES = 4  # a repeated header stands within this many lines of the top of the page
REPEATED_HEADER_WORDS = 2  # header words on a line there that make it a repeated header (one may be a cell's)
_FIGURE = re.compile(r"^-?\d+(?:\.\d+)?分?$")


def _lines(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) <= SAME_LINE * (w["bottom"] - w["top"]):
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


HEADER_LIKE_FIELDS = 2  # a header line names at least this many columns
_SENTENCE_MARKS = re.compile(r"[，。；！？,;]")


def _header_like(text: str) -> bool:
    from ..extract.lexicon import lexicon

    spec = lexicon()["table_headers"]["indicator"]
    return sum(1 for ws in spec.values() if any(w in text for w in ws)) >= HEADER_LIKE_FIELDS


def _header_words():
    from ..extract.lexicon import lexicon, words
    from ..extract.tables import _match, clean

    spec = lexicon()["table_headers"]["indicator"]
    known = [w for ws in spec.values() for w in ws]
    names = [w for w in words("cell_table_indicator_name") if len(w) > 2]  # a bare 指标 is a wrapped cell's end
    return lambda text: _match(clean(text), known) or clean(text) in names


def _columns(band: list[list[dict]]) -> list[tuple[float, str]]:
    """(left edge, header text) of each column: the header band's words grouped by where they overlap."""
    groups: list[list[dict]] = []
    for w in sorted((w for line in band for w in line), key=lambda w: w["x0"]):
        if groups and w["x0"] < max(g["x1"] for g in groups[-1]) - COLUMN_SLACK:
            groups[-1].append(w)
        else:
            groups.append([w])
    return [(min(g["x0"] for g in group), "".join(g["text"] for g in sorted(group, key=lambda g: (g["top"], g["x0"]))))
            for group in groups]


def _column_of(word: dict, lefts: list[float]) -> int:
    index = 0
    for i, left in enumerate(lefts):
        if word["x0"] >= left - COLUMN_SLACK:
            index = i
    return index


class Borderless:
    """The borderless indicator tables of a document's pages, in order: a table that runs to the end of
    its page goes on at the top of the next one without its header (it is read in the same columns)."""

    def __init__(self) -> None:
        self.carry: tuple | None = None  # (columns, block, line height) of a table cut by the page end

    def worth_reading(self, page_lines: list[str]) -> bool:
        """Reading a page's words costs more than its text: only a page that goes on from a cut table, or
        one with lines that read like a header (words of two header columns, no sentence punctuation —
        prose names 原因 or 得分 too, but in sentences), can hold one."""
        if self.carry is not None:
            return True
        run: list[str] = []  # a header wraps in narrow columns: its words are read across its lines
        for line in page_lines + ["。"]:
            if _SENTENCE_MARKS.search(line):
                if run and _header_like("".join(run)):
                    return True
                run = []
            else:
                run.append(line.replace(" ", ""))
        return False

    def read(self, page, page_number: int) -> list[Table]:
        from ..extract.tables import classify_header

        is_header = _header_words()
        lines = _lines(page.extract_words(**WORD_SETTINGS))
        tables, i, carry, self.carry = [], 0, self.carry, None
        top = lines[:CONTINUED_SKIP + HEADER_LINES]
        if carry is not None and not any(sum(1 for w in line if is_header(w["text"])) >= REPEATED_HEADER_WORDS for line in top):
            columns, block, height = carry  # no header repeated at the top of the page: the rows go on
            start = next((k for k in range(min(CONTINUED_SKIP, len(lines)) + 1)
                          if k == len(lines) or not _runs_across(lines[k], columns, height)), 0)
            rows, i, cut = _rows(lines, start, columns, block, height)
            if rows:
                tables.append(Table(page_number, [[text for _, text in columns]] + rows))
                self.carry = carry if cut else None
            i = i if rows else 0
        while i < len(lines):
            if sum(1 for w in lines[i] if is_header(w["text"])) < MIN_HEADER_WORDS:
                i += 1
                continue
            height = max(w["bottom"] - w["top"] for w in lines[i])
            start = i  # the header band: its main line and the wrapped header lines touching it
            while start > 0 and lines[start][0]["top"] - lines[start - 1][-1]["bottom"] < CELL_GAP * height \
                    and not any(_FIGURE.match(w["text"]) for w in lines[start - 1]):
                start -= 1
            end = i + 1
            while end < len(lines) and lines[end][0]["top"] - lines[end - 1][0]["bottom"] < CELL_GAP * height \
                    and not any(_FIGURE.match(w["text"]) for w in lines[end]):
                end += 1
            columns = _columns(lines[start:end])
            block = classify_header([text for _, text in columns])
            if block is None or block.kind != "indicator" or "score" not in block.columns:
                i += 1
                continue
            rows, i, cut = _rows(lines, end, columns, block, height)
            if rows:
                tables.append(Table(page_number, [[text for _, text in columns]] + rows))
                self.carry = (columns, block, height) if cut else None
        return tables


def _runs_across(line: list[dict], columns: list[tuple[float, str]], height: float) -> bool:
    """A line of prose: one of its words runs across the start of the next column."""
    lefts = [left for left, _ in columns]
    return any(_column_of(w, lefts) + 1 < len(lefts) and w["x1"] > lefts[_column_of(w, lefts) + 1] + height
               for w in line)


def _rows(lines: list[list[dict]], at: int, columns: list[tuple[float, str]], block, height: float):
    """The rows from line `at`, the line the table ends at, and whether the page cut it (it ended at a
    gap, which on a form is the page's foot, not at a line of prose)."""
    lefts = [left for left, _ in columns]
    body: list[dict] = []
    end, cut = at, True
    while end < len(lines):
        line = lines[end]
        if body and line[0]["top"] - max(w["bottom"] for w in body) > TABLE_GAP * height:
            break
        if _runs_across(line, columns, height):
            cut = False
            break
        body += line
        end += 1
    score = block.columns["score"]
    marks = [(w["top"] + w["bottom"]) / 2 for w in body if _column_of(w, lefts) == score and _FIGURE.match(w["text"])]
    if not marks:
        return [], end, False
    rows = [[[] for _ in columns] for _ in marks]
    # a cell is set in the middle of its row: no further from its row's mark than half the widest row
    reach = max([(b - a) / 2 for a, b in zip(marks, marks[1:])] + [height]) + height / 2
    for column in range(len(columns)):
        cells: list[list[dict]] = []
        for w in sorted((w for w in body if _column_of(w, lefts) == column), key=lambda w: (w["top"], w["x0"])):
            if cells and w["top"] - max(c["bottom"] for c in cells[-1]) > CELL_GAP * height:
                cells.append([w])
            elif cells:
                cells[-1].append(w)
            else:
                cells.append([w])
        for cell in cells:
            middle = (min(w["top"] for w in cell) + max(w["bottom"] for w in cell)) / 2
            row = min(range(len(marks)), key=lambda r: abs(marks[r] - middle))
            if abs(marks[row] - middle) <= reach:  # farther is no cell of the table (a heading after it)
                rows[row][column] += cell
    text = [["".join(w["text"] for w in sorted(cell, key=lambda w: (round(w["top"]), w["x0"]))) for cell in row]
            for row in rows]
    return text, end, cut
