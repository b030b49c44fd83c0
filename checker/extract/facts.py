"""Extractors: normalised text -> typed facts with evidence. One function per fact family.

Extraction never judges: it records what the report states (and where). A value the
report does not state is left out, never set to zero.
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal
from dataclasses import dataclass, field

from ..model import Evidence, Fact, Quantity
from .breakdowns import make_breakdown
from .figures import Figure, find_figures, money_mentions
from .lexicon import alternation, entry, lexicon, words
from .numbers import NUM, chinese_int, money, percent, plain
from .textflow import Flow, body_lines, heading_level, logical_lines

# ---------------------------------------------------------------- helpers


@dataclass
class Owned:
    """A money figure that an extractor read into a fact field (for the unit check)."""

    fact: Fact
    field: str
    label: str
    group: str


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    owned: dict[int, Owned] = field(default_factory=dict)  # figure offset -> owner
    # every statement of a budget figure: (what, value, evidence), to find figures stated twice
    mentions: list[tuple[str, Quantity, Evidence]] = field(default_factory=list)


# How far the prose readers look, in characters (a setting, not a guess buried in a reader):
COUNT_BEFORE_COVERAGE = 200  # the projects counted, in the sentences before a coverage rate
FUNDS_AFTER_COVERAGE = 60  # the funds a coverage rate covers, after its sentence
FUNDS_AMOUNT_SPAN = 30  # ... and their amount after that label
SCORE_LABEL_SPAN = 30  # the words before a score that say whose it is (指标 / 总分 / 自评)
AMOUNT_LABEL_SPAN = 12  # the words before an amount that say what it is
FIGURE_LABEL_SPAN = 14  # ... and before a rate, score or count
TOTAL_BEFORE_PARTS = 80  # a total stated before its 其中
CUT_SHORT_TAIL = 30  # an excerpt that stops within this many characters of a list's last part is cut short
SUM_WORD_TO_TOTAL = 24  # from 合计 / 共计 to its amount
PART_NAME_SPAN = 24  # the words before a part's amount that name it


def _statements(flow: Flow):
    """(start, end) of each statement: a sentence up to its 。 (or the line's end), its ；-clauses together."""
    for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", flow.text):
        if m.end() - m.start() > 1:
            yield m.start(), m.end()


def _sentences(flow: Flow, start: int = 0, end: int | None = None):
    """(start, end) of each sentence in flow.text[start:end]."""
    end = len(flow.text) if end is None else end
    pos = start
    for m in re.finditer(r"[。；;！？!?\n]", flow.text[start:end]):
        stop = start + m.end()
        if stop - pos > 1:
            yield pos, stop
        pos = stop
    if end - pos > 1:
        yield pos, end


class _Claimed:
    """The text project entries claimed, for many look-ups: spans that do not overlap, by start."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]

    def __contains__(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset)
        return i > 0 and offset < self.spans[i - 1][1]


# ---------------------------------------------------------------- document


KIND_WORDS = [(kind, tuple(entry(f"report_kind.{kind}"))) for kind in ("部门整体", "项目")]  # in this order
KIND_TITLE_WORDS = [(kind, tuple(entry(f"report_kind_in_title.{kind}"))) for kind in ("项目",)]
KIND_TITLE_HINTS = [(kind, tuple(entry(f"report_kind_title_hint.{kind}"))) for kind in ("项目",)]


def _report_kind(title: str, head: str) -> str | None:
    """The kind the title names (部门整体 first), else the kind the opening names, else a title naming a
    fund (……经费绩效自评报告)."""
    for text, kinds in ((title, KIND_WORDS + KIND_TITLE_WORDS), (head, KIND_WORDS), (title, KIND_TITLE_HINTS)):
        for kind, words in kinds:
            if any(w in text for w in words):
                return kind
    return None
SECTION_WORDS = {key: words(f"sections.{key}") for key in entry("sections")}
_YEAR = re.compile(r"(20\d{2})\s*年度?")


_TITLE_WORDS = words("title_words")
_META_PREFIX = re.compile(r"^[A-Za-z_]+:\s*")  # "title: …" lines of web captures


def _title(flow: Flow) -> tuple[str, int]:
    """The title line (joined with the line above when the title is split, as on covers)."""
    head = flow.normalised[:12]  # with running lines: a title repeated atop every page is still the title
    for i, (text, page) in enumerate(head):
        if _META_PREFIX.match(text) and not text.lower().startswith("title"):
            continue
        text = _META_PREFIX.sub("", text)
        if any(w in text for w in _TITLE_WORDS) and len(text) <= 80:
            prev = _META_PREFIX.sub("", head[i - 1][0]) if i else ""
            if prev and not _META_PREFIX.match(head[i - 1][0]) and len(prev) <= 40 and _YEAR.search(prev) and not _YEAR.search(text):
                text = prev + text
            return text.strip(), page
    return "", 1


_ORG = r"[^，,。；;:：()（）\s|]{2,30}?(?:局|委员会|委|院|人民政府|政府|中心|办公室|办|厅|部|协会|会|所|站|处|馆|学校|大学|学院|队|公司|联络处)"


def _department(title: str, year_text: str | None, head: str) -> str | None:
    """The reporting unit: the title's prefix, a unit in brackets, or a 主管部门 / 发布机构 field."""
    if title and year_text and year_text in title:
        prefix = re.sub(r"^(关于|印发)", "", title[: title.find(year_text)].strip(" ：:"))
        # a project's title names the project before its year (XX县基本公共卫生服务项目2023年度…), not the unit
        if 2 <= len(prefix) <= 40 and not re.search(r"绩效|自评|报告|项目支出|精品", prefix) \
                and not prefix.endswith(tuple(words("project_name_suffixes"))):
            return prefix
    bracket = re.findall(rf"[(（]({_ORG})[,，)）]", title or "")
    if bracket:
        return bracket[-1]
    field = re.search(rf"(?:主管部门|实施单位|发布机构|单位名称|填报单位)\s*[|:：]?\s*(?:\d+-)?({_ORG})", head)
    return field.group(1) if field else None


def extract_document(flow: Flow) -> Fact:
    title, page = _title(flow)
    head = flow.text[:600]
    fields: dict = {"title": title} if title else {}
    evidence = [Evidence(page, title or head[:60])]
    year = _YEAR.search(title) or _YEAR.search(head)
    if year:
        fields["year"] = int(year.group(1))
    dept = _department(title, year.group(0) if year else None, head)
    if dept:
        fields["department"] = dept
    kind = _report_kind(title, head)
    if kind:
        fields["report_kind"] = kind
    names = [h for _, h, _ in flow.headings]
    for key, words in SECTION_WORDS.items():
        fields[key] = any(w in h for h in names for w in words)
    fields["char_count"] = len(re.sub(r"\s", "", flow.text))
    fields["names_genre"] = any(w in flow.text for w in lexicon()["genre_terms"])
    empty = problems_section_empty(flow)
    if empty is not None:
        fields["problems_empty"] = empty
    return Fact("document", fields.get("title", "报告"), fields, evidence, "document.title")


# ---------------------------------------------------------------- projects

_ENTRY = re.compile(
    r"(?:^|(?<=[。；;：:\n]))\s*(?P<ord>[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、]|[(（]\d{1,2}[)）]|\d{1,2}[、.．](?!\d)|[①-⑳]"
    r"|[(（][一二三四五六七八九十]{1,3}[)）])"
    r"(?P<name>[^，,。；;:：\n]{2,50}?)(?:[，,：:。]|\n(?=\S))"  # the name ends its line, or a 、：。 does
)


def _section_title(name: str) -> bool:
    """A heading's words that name a part of the report, not a project: the department as a whole
    (lexicon scope.overall), or topics listed with 、 (…规模、使用方向和主要内容)."""
    return "、" in name or any(w in name for w in lexicon()["scope"]["overall"])


_SECTION_ORDINAL = re.compile(r"[(（][一二三四五六七八九十]")  # the ordinal of a report's second-level sections
_QUOTED_NAME = re.compile(r"^[“\"'‘「《](?P<name>[^”\"'’」》]{2,48})[”\"'’」》](?:项目)?$")


def _entry_name(raw: str) -> str:
    """“就业补助资金”项目 -> 就业补助资金: the quotes and the word that only says it is a project go."""
    m = _QUOTED_NAME.match(raw.strip())
    return m.group("name") if m else raw.strip()
_ORD_CN = "一二三四五六七八九十"


def _ordinal(text: str) -> int | None:
    digits = re.sub(r"\D", "", text)
    if digits:
        return int(digits)
    if text and text[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(text[0]) + 1
    return chinese_int(text.lstrip("第(（").rstrip("是，,、)）"))


_TABLE_CELLS = re.compile(r"\t|\|")  # a table row flattened into the text is no sentence of prose


def _explanation(flow: Flow, start: int, end: int, after: int) -> tuple[str, Evidence] | None:
    """The cause given in a project's own entry: sentences after its figures first."""
    markers = lexicon()["cause_markers"]
    for lo in (after, start):
        for s, e in _sentences(flow, lo, end):
            sentence = flow.text[s:e].strip()
            if (any(m in sentence for m in markers) or _gives_cause(sentence)) and not _TABLE_CELLS.search(sentence):
                return sentence, flow.quote(s, e - 1)
        if lo == start:
            break
    return None


MAX_NOTE_CHARS = 160  # a sentence of prose that explains; a longer run is a flattened form, not a note


NOTE_LEAD = 24  # characters a note's clause may run before the word it is found by (…项目执行率偏低的原因是)


def _note_start(text: str, start: int, at: int) -> int:
    """Where a note found by a word at `at` begins: its clause's start, unless a table's or a form's cells
    the text ran into stand before it (then at the word)."""
    start = max(start, max(text.rfind(c, start, at) for c in "，,") + 1)
    return at if at - start > NOTE_LEAD else start


def _execution_explanation(flow: Flow) -> tuple[str, Evidence] | None:
    """In a one-project form, a sentence of prose about its spending (lexicon execution_words) that gives a
    cause: the reason the form's rate fell short, wherever the form writes it."""
    topics = lexicon()["execution_words"]
    return _note(flow, lambda s, e: min((i for t in topics if (i := flow.text.find(t, s, e)) != -1), default=-1))


def _note(flow: Flow, anchor) -> tuple[str, Evidence] | None:
    """The first sentence of prose that gives a cause and holds what `anchor(start, end)` looks for (its
    position, or -1), read from the clause it stands in."""
    for s, e in _prose_pieces(flow):
        at = anchor(s, e)
        if at == -1:
            continue
        s = _note_start(flow.text, s, at)
        sentence = flow.text[s:e].strip()
        if len(sentence) <= MAX_NOTE_CHARS and _gives_cause(sentence):
            return sentence, flow.quote(s, e - 1)
    return None


def _prose_pieces(flow: Flow):
    """(start, end) of each sentence, or of its part after the last table cell a line of the form ran into
    it ("…\t9.00说明：预算执行率偏低的原因是…。")."""
    for m in re.finditer(r"[^\t|。；;！？!?\n]+[。；;！？!?]?", flow.text):
        if m.end() - m.start() > 1:
            yield m.start(), m.end()


MIN_NAME_CORE = 4  # characters of a project's name a sentence must repeat to be about it


def _named_explanation(flow: Flow, name: str) -> tuple[str, Evidence] | None:
    """The cause a sentence of prose gives for a project a table lists without a reason column ("疫情防控经费
    执行率未达到95%，主要原因是…" after the table): a sentence naming the project with a cause marker."""
    core = re.sub(rf"(?:{alternation('project_name_suffixes')})$", "", name)
    if len(core) < MIN_NAME_CORE:
        return None
    return _note(flow, lambda s, e: flow.text.rfind(core, s, e))  # the last mention: cells run into it name it too


_CLAUSE_CAUSE = re.compile(r"(?:^|[，,；;：:])\s*因(?!素)")  # "…执行率未达到95%，因上级资金年底下达"


def _gives_cause(sentence: str) -> bool:
    """A cause in so many words (lexicon cause_phrases), a clause that starts with 因, or 主要是 … about the
    spending (weak_cause_phrases with execution_words); not a word that only contains a marker (可持续影响指标,
    因素)."""
    if any(m in sentence for m in lexicon()["cause_phrases"]) or _CLAUSE_CAUSE.search(sentence) is not None:
        return True
    if any(m in sentence for m in lexicon()["unspent_explanations"]):
        return True  # "未支付的21.40万元为工程质保金和尾款，待竣工验收后支付": where the rest of the money went
    return any(m in sentence for m in lexicon()["weak_cause_phrases"]) and any(
        t in sentence for t in lexicon()["execution_words"])  # "主要是…尾款未支付", not "主要是用于…"


_ADJUST_WORDS = words("adjustment.words")
_ADJUST_CAUSE = words("adjustment.causes")


def _adjustment_reason(flow: Flow, start: int, end: int):
    """A clause that says why the budget was adjusted (调增/调减 ... 因/用于/根据 ...)."""
    for s, e in _sentences(flow, start, end):
        for clause in re.split(r"[，,]", flow.text[s:e]):
            if any(w in clause for w in _ADJUST_WORDS) and any(c in clause for c in _ADJUST_CAUSE):
                sentence = flow.text[s:e].strip()
                return sentence, flow.quote(s, e - 1)
    return None


def _signed(fig) -> tuple[str | None, Quantity]:
    """A figure's field and value, a mid-year adjustment as one signed field (调减 is negative); a net
    adjustment whose sign is not written (年中调整预算X万元) is no field (None)."""
    if fig.field == "adjustment_net":
        return None, fig.value
    if fig.field not in ("adjustment_up", "adjustment_down"):
        return fig.field, fig.value
    value = fig.value
    if fig.field == "adjustment_down" and value.value > 0:
        value = Quantity(-value.value, value.places, value.unit, value.written)
    return "adjustment", value


def _take(fact: Fact, fig, flow: Flow, adjusted_at: dict) -> str | None:
    """A figure into its field of the fact, the first statement winning; a second mid-year adjustment in
    the statement of the first (up to its 。) adds to it ("年中追加预算420万元；调减预算76.80万元"). `adjusted_at` holds where
    each fact's last adjustment ended. The field taken, or None (the figure is left to others)."""
    key, value = _signed(fig)
    if key is None:
        return None
    if key in fact.fields:
        prev = adjusted_at.get(id(fact))
        if key != "adjustment" or prev is None or re.search(r"[。\n]", flow.text[prev: fig.start]):
            return None
        old = fact.fields[key]
        fact.fields[key] = Quantity(old.value + value.value, max(old.places, value.places), old.unit, "")
        adjusted_at[id(fact)] = fig.end
        return None  # summed: the figure owns no field of its own (a unit reading of it would undo the sum)
    fact.fields[key] = value
    fact.field_evidence[key] = flow.span_evidence(fig.start, fig.end)
    if key == "adjustment":
        adjusted_at[id(fact)] = fig.end
    return key


def _read_project_figures(fact: Fact, figures, flow: Flow, out: Extraction, group: str) -> int:
    """Label-value figures into the project's fields (first statement wins; 调减 is negative).
    Returns the end of the last figure read."""
    last_end = 0
    adjusted_at: dict = {}
    for fig in figures:
        key = _take(fact, fig, flow, adjusted_at)
        if key is None:
            continue
        if key != "rate_stated":
            out.owned[fig.number_start] = Owned(fact, key, fig.label, group)
        last_end = max(last_end, fig.end)
    return last_end


def _entry_end(flow: Flow, heading_starts: list[int], body_start: int, stop: int) -> int:
    """An entry's body: its paragraphs up to the first that states a figure, never past the next heading.
    A wrapped entry line that happens to end with 。 is a paragraph of its own, and the figures follow."""
    i = bisect.bisect_right(heading_starts, body_start)
    if i < len(heading_starts):
        stop = min(stop, heading_starts[i])
    at = body_start
    while at < stop:
        newline = flow.text.find("\n", at, stop)
        end = stop if newline == -1 else newline
        if next(money_mentions(flow.text[at:end]), None):
            return end
        at = end + 1
    return stop


@dataclass
class ProjectText:
    """What the text says of single projects — its enumerated project entries, or a 项目 report's own
    figures — read once before the other prose readers, which leave its spans alone whatever their order."""
    facts: list[Fact] = field(default_factory=list)
    owned: dict[int, Owned] = field(default_factory=dict)  # figure offset -> the project field it went to
    spans: list[tuple[int, int]] = field(default_factory=list)

    def claimed(self) -> "_Claimed":
        return _Claimed(self.spans)


def find_project_text(flow: Flow, report_kind: str | None, tables_name_projects: bool, own_name: str) -> ProjectText:
    """Project entries (一是…/（1）…/①… with a project's figures); failing those, in a 项目 report whose
    tables name no project, the report's own project as its prose states it."""
    text = ProjectText()
    _project_entries(flow, text)
    if report_kind == "项目" and not text.facts and not tables_name_projects:
        _own_project(flow, text, own_name)
    return text


def extract_projects(out: Extraction, text: ProjectText) -> None:
    out.facts.extend(text.facts)
    out.owned.update(text.owned)


MONEY_KEYS = ("initial", "adjusted", "spent")


def complete_form_project(flow: Flow, out: Extraction, report_kind: str | None, own_name: str) -> None:
    """A one-project form whose prose states the same budget (a 说明 line under the form: "年初预算200.00万元，
    年中追加40.00万元，全年预算数230.00万元"): what the prose adds to the form's row — the adjustment — is the
    project's too, where every figure both state agrees."""
    table = [f for f in out.facts if f.kind == "project" and f.extractor == "table.fund"]
    if report_kind != "项目" or len(table) != 1:
        return
    prose = ProjectText()
    _own_project(flow, prose, own_name)
    if not prose.facts:
        return
    form, stated = table[0], prose.facts[0]
    shared = [k for k in MONEY_KEYS if k in form.fields and k in stated.fields]
    if not shared or any(form.fields[k].value != stated.fields[k].value for k in shared):
        return
    for key, value in stated.fields.items():
        if key not in form.fields and key not in ("name", "explanation"):
            form.fields[key] = value
            form.field_evidence[key] = stated.field_evidence.get(key) or stated.evidence[0]


def explain_projects(flow: Flow, out: Extraction, report_kind: str | None) -> None:
    """Reasons given away from a project's own figures: a sentence elsewhere that names the project with a
    cause (a paragraph after the list, a section of its own); in a project report, a sentence about the
    spending with a cause wherever it stands ("三、偏差原因分析：预算执行率91.00%，未达95%，原因是…")."""
    projects = [f for f in out.facts if f.kind == "project"]
    for fact in projects:
        if "explanation" in fact.fields:
            continue
        found = _named_explanation(flow, fact.fields.get("name") or "")
        if found is None and report_kind == "项目" and len(projects) == 1:
            found = _execution_explanation(flow)
        if found is not None:
            fact.fields["explanation"], fact.field_evidence["explanation"] = found


def _project_entries(flow: Flow, out: ProjectText) -> None:
    entries = list(_ENTRY.finditer(flow.text))
    heading_starts = flow.heading_starts
    for i, m in enumerate(entries):
        start = m.start("ord")
        body_start = m.end()
        stop = entries[i + 1].start("ord") if i + 1 < len(entries) else len(flow.text)
        stop = _entry_end(flow, heading_starts, body_start, stop)
        figures = [f for f in find_figures(flow.text[body_start:stop], "project", base=body_start)
                   if not _names_another_project(flow.text, f.start, m.group("name"))]
        money_fields = {f.field for f in figures if f.field != "rate_stated"}
        if not money_fields & {"initial", "adjusted", "spent"}:
            continue  # an enumerated point ("一是拓展便民政务"), not a project entry
        name = _entry_name(m.group("name"))
        if name.endswith(words("paragraph_title_endings")):
            continue  # "(2)项目资金执行情况。": a numbered paragraph title, not a project's name
        if (_SECTION_ORDINAL.match(m.group("ord")) or m.group(0).endswith("\n")) and _section_title(name):
            continue  # "（二）部门整体支出规模、使用方向和主要内容": a section's title, not a project
        fields: dict = {"name": name}
        ordinal = _ordinal(m.group("ord"))
        if ordinal:
            fields["ordinal"] = ordinal
        anchor = "title" if any(w in name for w in _PROJECT_WORDS) else "inferred"
        fact = Fact("project", f"项目：{name}", fields, [], "project.entry", anchor=anchor)
        last_end = max(body_start, _read_project_figures(fact, figures, flow, out, f"project:{start}"))
        fig_sentence_end = flow.sentence_bounds(last_end - 1)[1]
        if "adjustment" in fact.fields:
            reason = _adjustment_reason(flow, body_start, stop)
            if reason:
                fact.fields["adjustment_explanation"], fact.field_evidence["adjustment_explanation"] = reason
        found = _explanation(flow, body_start, stop, fig_sentence_end)
        if found:
            fact.fields["explanation"], ev = found
            fact.field_evidence["explanation"] = ev
        fact.evidence = [flow.quote(start, min(fig_sentence_end, stop) - 1, limit=240)]
        out.facts.append(fact)
        out.spans.append((start, stop))  # the budget reader leaves an entry's text alone


_PROJECT_WORDS = words("project_words")
_NAMED_PROJECT = re.compile(r"[\u4e00-\u9fff]{2,}项目")  # 资金 / 经费 end a fund's name as often as a project's


def _names_another_project(text: str, figure_start: int, own: str) -> bool:
    """The figure's clause names a project other than the entry's ("…四是乙项目…。上述项目…甲项目执行率83.77%"):
    the figure is that project's, not the entry's."""
    clause_start = max(text.rfind(c, 0, figure_start) for c in "，,。；;\n") + 1
    names = [m.group(0) for m in _NAMED_PROJECT.finditer(text, clause_start, figure_start)]
    return any(name not in own and own not in name for name in names)


def _name_before(flow: Flow, label_start: int) -> str | None:
    """"高标准农田建设项目年初预算数为…": the project named right before its first figure."""
    s, _ = flow.sentence_bounds(label_start)
    head = re.split(r"[，,。；;：:、\n]", flow.text[s:label_start])[-1].strip()
    head = re.sub(r"^(20\d{2}年度?|本年度?|该|本)", "", head)
    if 3 <= len(head) <= 40 and head.endswith(_PROJECT_WORDS):
        return head
    return None


# a 项目 report's own figures: those of the section of its first figure, within this many characters of it
OWN_FIGURES_SPAN = 400


def _next_heading(flow: Flow, offset: int) -> int:
    """Where the next heading after `offset` starts (the end of the text if none)."""
    starts = flow.heading_starts
    i = bisect.bisect_right(starts, offset)
    return starts[i] if i < len(starts) else len(flow.text)


def _own_project_fact(flow: Flow, out: ProjectText, name: str, figures: list) -> Fact | None:
    """The project fact read from `figures` (one section's), when it says at least two things."""
    window = [f for f in figures if f.start - figures[0].start <= OWN_FIGURES_SPAN]
    name = _name_before(flow, window[0].start) or name
    fact = Fact("project", f"项目：{name}", {"name": name}, [], "project.prose")
    scratch = ProjectText()
    _read_project_figures(fact, window, flow, scratch, "own-project")
    if len(fact.fields) < 3:  # a name and one figure tell nothing to check
        return None
    out.owned.update(scratch.owned)
    end = max(f.end for f in window)
    fact.evidence = [flow.quote(window[0].start, end - 1, limit=300)]
    found = _explanation(flow, window[0].start, max(end, _next_heading(flow, end)), end)
    if found:
        fact.fields["explanation"], fact.field_evidence["explanation"] = found
    out.spans.append((window[0].start, end))
    return fact


def _own_project(flow: Flow, out: ProjectText, name: str) -> None:
    """A 项目 report states its own project's figures in prose ("下达预算2596万元，实际总支出…"): those of
    the first section that states two of them; the cause of a low rate is looked for in that section."""
    figures = find_figures(flow.text, "project")
    sections: dict[int, list] = {}
    for f in figures:
        sections.setdefault(_next_heading(flow, f.start), []).append(f)
    for section in sections.values():
        fact = _own_project_fact(flow, out, name, section)
        if fact:
            out.facts.append(fact)
            return


# ---------------------------------------------------------------- budget


MIN_DEPARTMENT_NAME = 4  # characters of the department's name that make it a scope word (XX县应急管理局)


_PART_OF_TOTAL = re.compile(r"(?:预算|决算|支出)数?中")
PART_SCOPE_CHARS = 6  # how far after "预算中" the part's scope word stands


def _scope(segment: str, department: str = "") -> tuple[str | None, bool]:
    """(scope, anchored): the scope word in the clause's lead, if any; the department's own name (from the
    title) is one. A clause about one project ("该项目年初预算…") has no department scope at all (None); a
    lead with no scope word is read as the department's, but only inferred."""
    scopes = lexicon()["scope"]
    first_label = min((segment.find(w) for w in ("预算", "决算", "支出") if w in segment), default=len(segment))
    lead = segment[: first_label + 4]
    if _PART_OF_TOTAL.match(segment, first_label):  # "全年预算中基本支出X万元": a part of the total, as 其中 says
        lead = segment[: first_label + 4 + PART_SCOPE_CHARS]
    # the scope word written first decides: 该项目年初部门预算 is one project's share of the department's budget
    # "年中追加项目支出340万元": a scope word right after an adjustment word is what was added, not the
    # statement's scope (the department's budget grew by it)
    found = [(at, -len(w), scope) for scope in ("basic", "project", "overall", "one_project")
             for w in scopes[scope] if (at := lead.find(w)) != -1 and not lead[:at].endswith(_ADJUST_WORDS)]
    if len(department) >= MIN_DEPARTMENT_NAME and (at := lead.find(department)) != -1:
        found.append((at, -len(department), "overall"))
    if not found:
        return "overall", False
    scope = min(found)[2]
    return (None, False) if scope == "one_project" else (scope, True)


SCOPE_CN = {"overall": "部门整体", "basic": "基本支出", "project": "项目支出"}
_OTHER_YEAR = re.compile(alternation("other_year"))
BUDGET_LABELS = {"initial": "年初预算数", "full_year": "全年预算数", "final": "决算数"}


def _section_of(flow: Flow, starts: list[int], offset: int) -> tuple[int, str]:
    """(offset, text) of the heading the offset stands under ((-1, "") before the first one);
    `starts` are the headings' offsets, in text order."""
    i = bisect.bisect_right(starts, offset)
    return (flow.headings[i - 1][0], flow.headings[i - 1][1]) if i else (-1, "")


def _heading_scope(heading: str) -> str | None:
    """The department's scope when a heading names it. A 项目支出 heading does not anchor: the
    paragraphs under it are mostly about single projects, whose figures are not the category's."""
    if any(w in heading for w in lexicon()["scope"]["overall"]) and not any(
            w in heading for w in (*lexicon()["scope"]["basic"], *lexicon()["scope"]["project"])):
        return "overall"
    return None


def _top_section(flow: Flow, section: int) -> int:
    """The offset of the level-1 heading a section stands under (its own where it is one): the sub-sections
    （一）预算安排 and （二）预算执行 of one section state one budget."""
    i = next((k for k, h in enumerate(flow.headings) if h[0] == section), None)
    if i is None:
        return section
    for at, heading, _ in reversed(flow.headings[:i + 1]):
        if heading_level(heading) == 1:
            return at
    return section


def _section_scope(flow: Flow, section: int) -> str | None:
    """The scope of the section at offset `section`: that of the nearest heading, this one or one before it,
    whose title names a scope at all — so a sub-heading that names none ("（一）预算安排情况") takes the
    scope of the section it stands in ("二、部门整体支出情况"), and the items listed under "（三）项目支出
    情况" take none — or of the level-1 heading it stands under."""
    i = next((k for k, h in enumerate(flow.headings) if h[0] == section), None)
    if i is None:
        return None
    scope_words = [w for ws in lexicon()["scope"].values() for w in ws]
    for _, outer, _ in reversed(flow.headings[:i + 1]):
        title = re.split(r"[：:。]", outer, maxsplit=1)[0]  # "（一）预算安排情况：年初预算…": the run-in title only
        if any(w in title for w in scope_words) or heading_level(outer) <= 1:
            return _heading_scope(title)
    return None


def _budget_clauses(flow: Flow, out: Extraction, claimed: _Claimed):
    """(scope, anchor, figures, start, end, sentence start, section) of each clause stating budget figures.
    A clause names its scope (label), or stands under a heading that does (header), or neither (inferred:
    then only a clause of two or more figures counts, and it is taken for the department's)."""
    heading_starts = flow.heading_starts
    department = next((f.fields.get("department") or "" for f in out.facts if f.kind == "document"), "")
    last: tuple | None = None  # (scope, anchor, end) of the last clause given that is no 其中 list
    for s, e in _sentences(flow):
        if s in claimed:
            continue
        sentence = flow.text[s:e]
        if not [f for f in find_figures(sentence, "budget", base=s) if f.start not in claimed]:
            continue
        section, heading = _section_of(flow, heading_starts, s)
        # a rate after a 其中 list ("其中基本支出X万元，项目支出Y万元，预算执行率Z%") is the total's, not the last part's
        rates_after_parts = [m.end() for m in _RATE_AFTER_PARTS.finditer(sentence)]
        cuts = sorted({0, *[m.start() for m in re.finditer(r"其中|；|;", sentence)], *rates_after_parts, len(sentence)})
        for a, b in zip(cuts, cuts[1:]):
            segment = sentence[a:b]
            if _OTHER_YEAR.search(segment):
                continue  # last year's figures, or a comparison: not this report's budget
            figures = [f for f in find_figures(segment, "budget", base=s + a) if f.start not in claimed]
            amounts = len([f for f in figures if f.field != "rate_stated"])
            scope, anchored = _scope(segment, department)
            anchor = "label" if anchored else "inferred"
            continued = not anchored and scope is not None and _continues(flow.text, last, s + a)
            if continued:
                scope, anchor = last[0], last[1]  # "…部门预算X万元；年中追加Y万元；全年预算Z万元": one statement
            elif not anchored and scope is not None and _section_scope(flow, section) is not None:
                scope, anchor = _section_scope(flow, section), "header"
            rate_only = amounts == 0 and figures and (continued or anchored)  # "整体支出执行率为92.47%"
            if scope is None or (amounts == 0 and not rate_only) or (anchor == "inferred" and amounts < 2):
                continue  # None: one project's figures, not the department's
            if not segment.startswith("其中"):  # the parts of a total do not carry its scope on
                last = (scope, anchor, s + b)
            yield scope, anchor, figures, s + a, s + b, s, section


_RATE_AFTER_PARTS = re.compile(rf"其中[^。；;]*?[，,](?=(?:{alternation('budget.rate_stated')}))")


def _continues(text: str, last: tuple | None, start: int) -> bool:
    """A clause that goes on with the statement of an anchored clause right before it, after a ；
    (the clause names no scope of its own): it is of that clause's scope."""
    if last is None or last[1] == "inferred" or start < last[2]:
        return False
    gap = text[last[2]: start]
    if "\n" in gap or "\n" in text[last[2] - 1: start]:
        return False  # another paragraph
    if re.fullmatch(r"(?:其中[^。]*[；;。，,])?", gap) is not None and text[start - 1: start] in ("；", ";", "。", "，", ","):
        return True  # right after the clause's ；/。, or after the 其中 list of its parts
    return re.fullmatch(r"[；;]", gap) is not None


_ANCHOR_RANK = {"label": 0, "header": 0, "inferred": 1}


def extract_budgets(flow: Flow, out: Extraction, projects: ProjectText) -> None:
    """One budget fact per scope: its first clause whose scope is written (in the clause or its heading),
    else its first clause; later anchored clauses of the same section add the figures it lacks."""
    clauses: dict[str, list] = {}
    for clause in _budget_clauses(flow, out, projects.claimed()):
        scope, anchor, figures = clause[:3]
        if anchor != "inferred":  # only figures whose scope is written may contradict each other
            for fig in figures:
                if fig.field in BUDGET_LABELS:
                    out.mentions.append((f"{SCOPE_CN[scope]}{BUDGET_LABELS[fig.field]}", fig.value,
                                         flow.span_evidence(fig.start, fig.end)))
        clauses.setdefault(scope, []).append(clause)
    for scope, found in clauses.items():
        first = min(found, key=lambda c: _ANCHOR_RANK[c[1]])  # min keeps the earliest of a rank
        top = _top_section(flow, first[6])
        same = [c for c in found if c is first or (c[1] != "inferred" and first[1] != "inferred"
                                                   and _top_section(flow, c[6]) == top)]
        fact = Fact("budget", SCOPE_CN[scope], {"scope": SCOPE_CN[scope]}, [flow.quote(first[3], first[4] - 1, limit=240)],
                    "budget.sentence", anchor=first[1])
        adjusted_at: dict = {}
        for _, _, figures, _, _, sentence, _ in same:
            for fig in figures:
                key = _take(fact, fig, flow, adjusted_at)
                if key is None:
                    continue
                if key != "rate_stated":
                    out.owned[fig.number_start] = Owned(fact, key, fig.label, f"budget:{sentence}")
        if "adjustment" in fact.fields and "carried_over" not in fact.fields:
            carried = _carried_over(flow, first[5])
            if carried is not None:
                fact.fields["carried_over"], fact.field_evidence["carried_over"] = carried
        if len(fact.fields) > 2:  # a scope and one figure tell nothing to check
            out.facts.append(fact)


CARRIED_TO_AMOUNT = 8  # characters between a carried-over word and its amount (上年结转资金为 …)
_CARRIED_OVER = re.compile(rf"(?:{alternation('budget.carried_over')})[^，,。；;\d]{{0,{CARRIED_TO_AMOUNT}}}")


def _carried_over(flow: Flow, offset: int):
    """A carried-over amount (上年结转 …) stated anywhere in the section of the clause at `offset`: then the
    full-year budget is more than the initial budget and the adjustment."""
    starts = flow.heading_starts
    i = bisect.bisect_right(starts, offset)
    lo, hi = (starts[i - 1] if i else 0), (starts[i] if i < len(starts) else len(flow.text))
    for m in _CARRIED_OVER.finditer(flow.text, lo, hi):
        amount = next(money_mentions(flow.text[m.end(): m.end() + 20], m.end()), None)
        if amount is not None and amount[0] == m.end():
            return amount[2], flow.quote(m.start(), amount[1])
    return None


# ---------------------------------------------------------------- self-evaluation

_COVERAGE = re.compile(rf"自评(?:项目|资金)?覆盖率[^\d%。]{{0,6}}(?P<num>{NUM})\s*%|覆盖率[^\d%。]{{0,6}}(?P<num2>{NUM})\s*%(?=[^。]{{0,20}}自评)")
_EVALUATED = re.compile(r"(?:共|涉及|对|完成|其中)\s*(?:全部|所有)?\s*(?P<n>\d+|[一二三四五六七八九十百]+)\s*个(?:项目|二级项目|预算项目)")
_EVALUATED_LABELLED = re.compile(
    rf"(?:{alternation('coverage.evaluated_labels')})\s*(?:共|为|:|：)?\s*(?P<n>\d+|[一二三四五六七八九十百]+)\s*个")
_TOTAL_PROJECTS = re.compile(r"(?:实施项目|项目总数|项目共|共有项目(?:支出)?)\s*(?:共|为)?\s*(?P<n>\d+|[一二三四五六七八九十百]+)\s*个")
_FUNDS = re.compile(r"(?:涉及|覆盖|自评)资金(?:总额|金额)?(?:为|共)?")
_SCORE = re.compile(
    rf"(?:{alternation('score_total.named')}|{alternation('score_total.bare')})(?:为|是|:|：)?\s*(?P<num>{NUM})\s*分"
    # a form's label with its unit in brackets: "自评总分(分)97.93" (a named label only; no unit after the figure)
    rf"|(?:{alternation('score_total.named')})\s*[(（]分[)）]\s*(?:为|:|：)?\s*(?P<form_num>{NUM})(?![\d.%])(?!\s*(?:万元|元|分))"
)
_NAMED_SCORE = re.compile(alternation("score_total.named"))
_GRADE = re.compile(rf"(?:{alternation('grade.labels')})(?:为|是|:|：)?\s*[“\"「『]?(?P<g>{alternation('grade.words')})(?![\u4e00-\u9fff]{2})")
_GRADE_NORMAL = entry("grade.normal")
_GRADE_SEPARATORS = "为是:：“\"「『 "
_COUNTED_BY_GRADE = re.compile(r"[”\"」』]?的\s*(?:\d|[一二三四五六七八九十两]|项目)")  # "为“良”的2个 / 的项目"


def _a_grade(text: str, m: re.Match) -> bool:
    """A grade stated, not a word that looks like one: a one-character grade right after its label and before
    a comma or 的 is a word ("7个项目自评结果中，" is no grade 中), and a grade that counts or names projects ("自评等级为“优”的5个",
    "自评为“良”的项目") is theirs, not the report's."""
    after = text[m.end():m.end() + 1]
    if len(m.group("g")) == 1 and text[m.start("g") - 1] not in _GRADE_SEPARATORS and after and after in "，,的":
        return False  # "…自评结果中，": a word, not a grade (a cell "自评等级 | 优" runs together as 自评等级优)
    return _COUNTED_BY_GRADE.match(text, m.end()) is None


def extract_self_evaluation(flow: Flow, out: Extraction) -> None:
    text = flow.text
    fields: dict = {}
    fact = Fact("self_evaluation", "绩效自评", fields, [], "self_evaluation.sentence")
    cov = _COVERAGE.search(text)
    if cov:
        fields["coverage_stated"] = percent(cov.group("num") or cov.group("num2"))
        s, e = flow.sentence_bounds(cov.start(), cov.end())
        window_start = max(text.rfind("。", 0, s - 1) + 1, s - COUNT_BEFORE_COVERAGE)  # the count often precedes
        window = text[window_start:e]
        fact.field_evidence["coverage_stated"] = flow.quote(cov.start(), cov.end())
        ev = _EVALUATED_LABELLED.search(window) or _EVALUATED.search(window)
        taken = (window_start + ev.start(), window_start + ev.end()) if ev else (-1, -1)
        if ev and chinese_int(ev.group("n")) is not None:
            fields["projects_evaluated"] = plain(str(chinese_int(ev.group("n"))), "个")
            fact.field_evidence["projects_evaluated"] = flow.quote(*taken)
        # the total the coverage was computed on: in its own sentence, else just before it — not another count,
        # and not the evaluated count itself ("纳入自评范围的项目共4个")
        totals = [m for lo in (s, window_start) for m in _TOTAL_PROJECTS.finditer(text, lo, e)
                  if m.end() <= taken[0] or m.start() >= taken[1]]
        if totals and chinese_int(totals[0].group("n")) is not None:
            fields["projects_total"] = plain(str(chinese_int(totals[0].group("n"))), "个")
            fact.field_evidence["projects_total"] = flow.quote(totals[0].start(), totals[0].end())
        funds = _FUNDS.search(text, s, min(len(text), e + FUNDS_AFTER_COVERAGE))
        if funds:
            amount = next(money_mentions(text[funds.end(): funds.end() + FUNDS_AMOUNT_SPAN], funds.end()), None)
            if amount and amount[0] - funds.end() <= 2:
                fields["funds_covered"] = amount[2]
                fact.field_evidence["funds_covered"] = flow.quote(amount[0], amount[1])
        fact.evidence.append(flow.quote(window_start, e - 1, limit=240))
    if "coverage_stated" not in fields:
        _coverage_as_share(flow, fact)
    total = _TOTAL_PROJECTS.search(text)
    if "coverage_stated" not in fields and total and chinese_int(total.group("n")) is not None:
        fields["projects_total"] = plain(str(chinese_int(total.group("n"))), "个")
        fact.field_evidence["projects_total"] = flow.quote(total.start(), total.end())
    score = _total_score(flow)
    if score:
        fields["score_total"], ev_score = score
        fact.field_evidence["score_total"] = ev_score
        fact.evidence.append(ev_score)
    grades = [(m, _GRADE_NORMAL.get(m.group("g"), m.group("g"))) for m in _GRADE.finditer(text) if _a_grade(text, m)]
    if grades:
        grade, fields["grade_stated"] = grades[0]
        ev_grade = flow.quote(grade.start(), grade.end())
        fact.field_evidence["grade_stated"] = ev_grade
        if ev_grade not in fact.evidence:
            fact.evidence.append(ev_grade)
        distinct = list(dict.fromkeys(g for _, g in grades))
        fields["grade_variants"] = plain(str(len(distinct)), "个")
        fields["grades_stated"] = "、".join(distinct)
        for m, g in grades[1:]:
            if g != fields["grade_stated"]:
                fact.evidence.append(flow.quote(m.start(), m.end()))
                break
    table_total = next((f for f in out.facts if f.kind == "self_evaluation"), None)
    if table_total is not None:  # the form's 总分 row; prose statements add to it
        for key, value in fields.items():
            table_total.fields.setdefault(key, value)
        table_total.field_evidence.update({k: v for k, v in fact.field_evidence.items() if k not in table_total.field_evidence})
        table_total.evidence.extend(e for e in fact.evidence if e not in table_total.evidence)
    elif fields:
        out.facts.append(fact)


_COUNT_OF = r"(?P<{}>\d+|[一二三四五六七八九十百]+)\s*个"
_SHARE = re.compile(
    rf"{_COUNT_OF.format('done')}(?:项目|二级项目|预算项目)?[^。；;%]{{0,20}}?(?:{alternation('coverage.share_words')})"
    rf"[^。；;%\d]{{0,8}}?{_COUNT_OF.format('all')}[^。；;%\d]{{0,4}}?(?P<rate>{NUM})\s*%")


def _coverage_as_share(flow: Flow, fact: Fact) -> None:
    """"对11个项目开展了绩效自评，占项目总数13个的100%": coverage written as a share of the projects,
    in one sentence that names the self-evaluation (the counts and the rate are that sentence's)."""
    for m in _SHARE.finditer(flow.text):
        s, e = flow.sentence_bounds(m.start(), m.end())
        done, total = chinese_int(m.group("done")), chinese_int(m.group("all"))
        if done is None or total is None or not any(w in flow.text[s:e] for w in ("自评", "评价")):
            continue
        quote = flow.quote(m.start(), m.end())
        fact.fields.update(coverage_stated=percent(m.group("rate")), projects_evaluated=plain(str(done), "个"),
                           projects_total=plain(str(total), "个"))
        for key in ("coverage_stated", "projects_evaluated", "projects_total"):
            fact.field_evidence[key] = quote
        fact.evidence.append(flow.quote(s, e - 1, limit=240))
        return


def _total_score(flow: Flow):
    """The overall self-assessed score: a label that names it (自评得分, 综合得分 …) first; a bare 得分 only
    where no such label is written, and not a part's (指标 / 执行率 / 总分X分 just before it)."""
    found = []
    for m in _SCORE.finditer(flow.text):
        s, _ = flow.sentence_bounds(m.start(), m.end())
        local = flow.text[max(s, m.start() - SCORE_LABEL_SPAN): m.start()]
        own = m.group(0)
        named = _NAMED_SCORE.match(own) is not None
        if not named and re.search(rf"指标|{_PART_NAME.pattern}|总分\s*\d", local) and not re.search(r"自评|综合", local + own):
            continue  # a part's score: "预算执行率得分9分（分值10分）", "产出指标得分42.6分"
        value = plain(m.group("num") or m.group("form_num"), "分")
        if value.value <= 100:
            found.append((not named, m.start(), value, m))
    if not found:
        return None
    _, _, value, m = min(found, key=lambda f: (f[0], f[1]))
    return value, flow.quote(m.start(), m.end())


# ---------------------------------------------------------------- indicator groups

_GROUP = re.compile(rf"({alternation('indicators.level1')})指标")
_DIM = re.compile(
    rf"(?P<dim>{alternation('indicators.level2')})指标"
    r"(?:共|为)?\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*(?:个|项|条)"
)
_STATED_COUNT = re.compile(r"共(?:设置?|设定|有|计)?(?:了)?(?:绩效)?指标\s*(?:共|为)?\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*(?:个|项|条)")
_FULL = re.compile(rf"(?:总分|分值|满分|权重)(?:为)?\s*(?P<num>{NUM})\s*分")
_GOT = re.compile(rf"(?<!总)得分(?:为)?\s*(?P<num>{NUM})\s*分")


_LEVEL1_COUNT = re.compile(rf"(?P<g>{alternation('indicators.level1_counted')})指标\s*(?:共|为)?\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*(?:个|项|条)")
_FIGURE_NEXT = re.compile(r"\s*\d")
_BRACKETED = re.compile(r"\s*[（(](?P<inner>[^（()）]*)[)）]")


def _group_count(flow: Flow, s: int, m: re.Match) -> Fact:
    """One level-1 group of a count sentence ("产出指标6项（数量指标1个、质量指标2个…）"): its stated count,
    and the sum of its level-2 counts where brackets break it down (else the stated count is its count)."""
    count_end = s + m.end()
    stated = plain(str(chinese_int(m.group("n")) or 0), "个")
    fields: dict = {"name": m.group("g"), "count_sum": stated}
    inner = _BRACKETED.match(flow.text, count_end)
    dims = list(_DIM.finditer(inner.group("inner"))) if inner else []
    if dims:
        counts = [(d.group("dim"), chinese_int(d.group("n"))) for d in dims]
        fields.update(dimensions="、".join(d for d, _ in counts), count_stated=stated,
                      count_sum=plain(str(sum(n or 0 for _, n in counts)), "个"))
    end = inner.end() if inner else count_end
    return Fact("indicator_group", f"{m.group('g')}指标", fields, [flow.quote(s + m.start(), end - 1)],
                "indicator_group.level1-counts")


def extract_indicator_groups(flow: Flow, out: Extraction) -> None:
    for s, e in _sentences(flow):
        sentence = flow.text[s:e]
        # "社会效益指标2项" is a level-2 count that holds "效益指标2项": not a level-1 group's
        level2_spans = [d.span() for d in _DIM.finditer(sentence)]
        level1 = [m for m in _LEVEL1_COUNT.finditer(sentence)
                  if not any(a <= m.start() and m.end() <= b and (a, b) != m.span() for a, b in level2_spans)
                  and not _in_brackets(sentence, 0, m.start())]  # "（…成本指标1个）" breaks a group down
        if len(level1) >= 2:  # "共设置绩效指标12个，其中产出指标8个、效益指标3个…": counts per level-1 group
            counts = [(m.group("g"), chinese_int(m.group("n"))) for m in level1]
            fields = {"name": "全部", "dimensions": "、".join(g for g, _ in counts),
                      "count_sum": plain(str(sum(n or 0 for _, n in counts)), "个")}
            stated = _STATED_COUNT.search(sentence)
            if stated and chinese_int(stated.group("n")) is not None:
                fields["count_stated"] = plain(str(chinese_int(stated.group("n"))), "个")
            out.facts.append(Fact("indicator_group", "全部绩效指标", fields, [flow.quote(s, e - 1, limit=240)],
                                  "indicator_group.level1-counts"))
            for m in level1:
                out.facts.append(_group_count(flow, s, m))
            continue
        dims = list(_DIM.finditer(sentence))
        group = _GROUP.search(sentence)
        if not dims or not group or any(_FIGURE_NEXT.match(sentence, d.end()) for d in dims):
            continue  # "数量指标8个9个7 7": a count followed straight by more figures is a table row's cells
        name = group.group(1)
        counts = [(d.group("dim"), chinese_int(d.group("n"))) for d in dims]
        fields: dict = {
            "name": name,
            "dimensions": "、".join(d for d, _ in counts),
            "count_sum": plain(str(sum(n or 0 for _, n in counts)), "个"),
        }
        stated = _STATED_COUNT.search(sentence)
        if stated and chinese_int(stated.group("n")) is not None:
            fields["count_stated"] = plain(str(chinese_int(stated.group("n"))), "个")
        full = _FULL.search(sentence)
        if full:
            fields["full_marks"] = plain(full.group("num"), "分")
        got = _GOT.search(sentence)
        if got:
            fields["score"] = plain(got.group("num"), "分")
        out.facts.append(Fact("indicator_group", f"{name}指标", fields, [flow.quote(s, e - 1, limit=240)],
                              "indicator_group.sentence"))


# ---------------------------------------------------------------- amounts


_PER_UNIT = re.compile(r"每|人均|户均|一名|每人|每户|每名|/人|/户|/年|/月|标准|单价|元/|万元/")


def extract_amounts(flow: Flow, out: Extraction) -> None:
    """Every money mention, with the field it was read into (if any) for the unit check."""
    budget_words = words("budget_words")
    for start, end, value, unit in money_mentions(flow.text):
        owner = out.owned.get(start) or out.owned.get(start - 1)
        s, e = flow.sentence_bounds(start)
        before = flow.text[max(s, start - AMOUNT_LABEL_SPAN): start]
        fields: dict = {"value": value, "unit_written": unit}
        if owner:
            fields["label"] = owner.label
            subject, group = owner.fact.subject, owner.group
        else:
            # a label only for budget figures: prices and per-person amounts keep none and
            # are not compared with budget figures by the unit check
            label = next((w for w in budget_words if w in before), None)
            if label and not _PER_UNIT.search(flow.text[max(s, start - 8): start] + flow.text[end: end + 3]):
                fields["label"] = label
            subject, group = f"第{flow.page_at(start)}页金额", f"sentence:{s}"
        fact = Fact("amount", subject, fields, [flow.quote(start, end)], "amount.mention")
        fact.field_evidence["value"] = flow.span_evidence(max(s, start - AMOUNT_LABEL_SPAN), end)
        # its sentence, and the next one when that lists its parts ("支出799.12万元。其中：人员经费…")
        parts = e if flow.text[e:e + 8].lstrip().startswith("其中") else None
        fact.meta.update(group=group, owner=owner, sentence=s, parts_sentence=parts)
        out.facts.append(fact)


def extract_cell_tables(doc, flow: Flow, out: Extraction) -> None:
    """Money cells of tables copied one cell per line (their columns cannot be told apart)."""
    from .flat_forms import flat_form_facts
    from .tables import cell_runs

    for run in cell_runs(body_lines(doc, flow)):
        money_headers = "、".join(h for h in run.header if run.unit in h)
        for page, cell in run.figures:
            fields = {"value": money(cell, run.unit), "unit_written": run.unit}
            out.facts.append(Fact("amount", f"第{page}页表格金额", fields,
                                  [Evidence(page, f"{money_headers}：{cell}")], "table.cell-per-line"))
    out.facts.extend(flat_form_facts(logical_lines(doc)))  # flattened forms: year tables, fund groups


# ---------------------------------------------------------------- execution score

_EXEC_NAME = re.compile(r"(?:预算|资金)?执行率")
_NEXT_SCORE = re.compile(rf"得分|{alternation('score_total.named')}|总分")
EXEC_SCORE_SPAN = 70  # characters after 执行率 its marks and score are written in (分值10分 … 得分9.8分)


def extract_execution_score(flow: Flow, out: Extraction) -> None:
    """预算执行率 … 分值10分 … 得分9.8分, or 得分9.1分（权重10分）(prose form of the 自评表's execution block):
    read up to the next part's name (产出指标得分…), so another part's score is never the execution's."""
    text = flow.text
    for m in _EXEC_NAME.finditer(text):
        s, e = flow.sentence_bounds(m.start(), m.end())
        stop = min(e, m.end() + EXEC_SCORE_SPAN)
        other = _PART_NAME.search(text, m.end(), stop)
        stop = other.start() if other else stop
        # nor past the next score written ("…，绩效指标得分88.5分，项目自评总分98.05分"): another part's or the total's
        first = re.search(r"得分", text[m.end():stop])
        later = _NEXT_SCORE.search(text, m.end() + first.end(), stop) if first else None
        segment = text[m.end(): later.start() if later else stop]
        full, got = _part_scores(segment)
        if full is None or got is None or not _PART_FULL.search(segment):
            continue  # both written with their labels: a bare "10分" may be anything
        fields: dict = {"weight": plain(full, "分"), "score": plain(got, "分")}
        rate = re.search(rf"(?P<num>{NUM})\s*%", text[s:e])
        if rate:
            fields["rate"] = percent(rate.group("num"))
        out.facts.append(Fact("execution_score", "预算执行率得分", fields, [flow.quote(s, e - 1, limit=240)],
                              "execution_score.sentence"))
        return


_PART_NAME = re.compile(rf"(?P<name>{alternation('indicators.level1_counted')})指标|(?P<exec>{alternation('score_parts.execution_names')})")
_PART_FULL = re.compile(rf"(?:{alternation('score_parts.full_labels')})[为是:：]?\s*(?P<num>{NUM})\s*分")
_PART_GOT = re.compile(rf"(?:{alternation('score_parts.score_labels')})[为是:：]?\s*(?P<num>{NUM})\s*分")
_BARE_MARKS = re.compile(rf"^[（(]?\s*(?P<num>{NUM})\s*分")
MIN_SCORE_PARTS = 3  # a sentence breaking the total down names at least this many parts


def _part_scores(segment: str) -> tuple[str | None, str | None]:
    """(full marks, score) in one part's words: "得分57.74分（分值60分）", "60分，得53.20分"."""
    full, got = _PART_FULL.search(segment), _PART_GOT.search(segment)
    bare = _BARE_MARKS.match(segment)
    full_num = full.group("num") if full else (bare.group("num") if bare and (not got or got.start() > 0) else None)
    return full_num, got.group("num") if got else None


def extract_score_parts(flow: Flow, out: Extraction) -> None:
    """"产出指标得分57.74分（分值60分）、效益指标…、预算执行率得分10分（分值10分）": the total score broken
    down by part, read as each level-1 group's (and the execution block's) full marks and score. The parts
    may stand apart by ； ("预算执行（20分）得19.20分；产出指标（40分）得37.50分；…"): read up to the 。."""
    for s, e in _statements(flow):
        sentence = flow.text[s:e]
        names = list(_PART_NAME.finditer(sentence))
        if len(names) < MIN_SCORE_PARTS:
            continue
        parts = []
        for i, m in enumerate(names):
            stop = names[i + 1].start() if i + 1 < len(names) else len(sentence)
            full, got = _part_scores(sentence[m.end():stop])
            if full is not None and got is not None:
                parts.append((m.group("name"), full, got))
        if len(parts) < MIN_SCORE_PARTS:
            continue
        quote = flow.quote(s, e - 1, limit=240)
        for name, full, got in parts:
            _add_part(out, name, plain(full, "分"), plain(got, "分"), quote)
        return


def _add_part(out: Extraction, name: str | None, full: Quantity, got: Quantity, quote: Evidence) -> None:
    if name is None:  # the execution block
        if not any(f.kind == "execution_score" for f in out.facts):
            out.facts.append(Fact("execution_score", "预算执行率得分", {"weight": full, "score": got}, [quote],
                                  "score_parts.sentence"))
        return
    group = next((f for f in out.facts if f.kind == "indicator_group" and f.fields.get("name") == name), None)
    if group is None:
        group = Fact("indicator_group", f"{name}指标", {"name": name}, [quote], "score_parts.sentence")
        out.facts.append(group)
    group.fields.setdefault("full_marks", full)
    group.fields.setdefault("score", got)


# ---------------------------------------------------------------- sections

_EMPTY_SECTION = re.compile(r"^[:：\s]*(无|暂无|没有|无。|暂无。|无明显问题|暂无问题)[。.]?\s*$")


def section_bodies(flow: Flow) -> dict[str, str]:
    """Text under each heading (sub-sections included), up to the next heading of its level or above."""
    bodies = {}
    heads = flow.headings
    for i, (offset, heading, _page) in enumerate(heads):
        level = heading_level(heading)
        end = next((o for o, h, _ in heads[i + 1:] if heading_level(h) <= level), len(flow.text))
        bodies[heading] = flow.text[offset + len(heading): end].strip()
    return bodies


def problems_section_empty(flow: Flow) -> bool | None:
    """True when the 存在问题 section says only 无 / 暂无; None when there is no such section."""
    titles = entry("sections")["has_problems"]
    for heading, body in section_bodies(flow).items():
        if any(w in heading for w in titles):
            tail = heading.split("问题", 1)[1] if "问题" in heading else ""
            text = (tail + body).strip(" :：")
            return bool(_EMPTY_SECTION.match(text)) or text == ""
    return None


# ---------------------------------------------------------------- tables

_TITLE_NOISE = re.compile(r"(20\d{2}\s*年度?|绩效自评报告|绩效评价报告|自评报告|自评结果|绩效自评表|项目支出|自评表|\(.*?\)|（.*?）)")


def own_project_name(flow: Flow, tables) -> str:
    """The project a 项目 report is about: its 项目名称 cell, else its title without year and suffix."""
    for table in tables:
        for row in table.rows:
            cells = [str(c or "").strip() for c in row]
            if cells and cells[0].replace(" ", "") == "项目名称" and len(cells) > 1 and cells[1]:
                return re.sub(r"^[0-9A-Za-z]{10,}-", "", re.sub(r"\s", "", cells[1]))  # drop a budget system code
    labelled = list(_PROJECT_NAME_LINE.finditer(flow.text))  # "项目名称 国家基本公共卫生服务补助资金" as text
    if len(labelled) == 1 and flow.text.count("项目名称") == 1:  # several forms: which one is meant is unclear
        return labelled[0].group("name")
    title, _ = _title(flow)
    name = _TITLE_NOISE.sub("", title).strip(" -—:：")
    return name or "本项目"


_PROJECT_NAME_LINE = re.compile(r"项目名称[:：|\s]*(?P<name>[^\s|，,。；;:：]{4,40}?)(?=\s*(?:主管部门|实施单位|\||\n|$))")


def _text_tables(doc, lines: list) -> list:
    """"|"-delimited rows typed into a PDF or Word text (not ruled tables the reader found)."""
    if doc.media == "txt":
        return []  # the text reader has parsed them already
    from ..ingest.text import pipe_tables
    from .tables import clean

    def key(row) -> tuple:  # a ruled table's rows come back as text lines too, without their outer empty cells
        cells = [clean(c) for c in row]
        while cells and not cells[-1]:
            cells.pop()
        while cells and not cells[0]:
            cells.pop(0)  # "| 成本指标 | …": a continued table's empty first cell reads as a Markdown row's edge
        return tuple(cells)

    known = {key(t.rows[0]) for t in doc.tables if t.rows}
    return [t for t in pipe_tables(lines) if key(t.rows[0]) not in known]


_UNIT_CAPTION = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>亿元|万元|元)")


def caption_unit(flow: Flow) -> str | None:
    """The money unit the document's captions declare for its tables ("单位：万元", "金额单位：元"), where
    they all declare the same one."""
    units = {m.group("unit") for m in _UNIT_CAPTION.finditer(flow.text)}
    return units.pop() if len(units) == 1 else None


def usual_unit(flow: Flow) -> str:
    """The money unit most figures of the report are written in (for tables that do not say)."""
    from .figures import money_mentions

    units = [u for _, _, _, u in money_mentions(flow.text)]
    return max(set(units), key=units.count) if units else "万元"


def document_tables(doc) -> list:
    """Every table of the document: ruled ones, "|" rows typed as text, flattened spreadsheet forms."""
    from .flat_forms import form_cells, fund_form_tables, nameless_tables
    from .glued import glued_fund_tables, glued_indicator_tables
    from .tables import (aligned_tables, blocks_of, cell_grid_tables, cell_indicator_tables, field_list_tables,
                         join_continued, space_indicator_tables, space_row_tables, space_tables)

    lines = logical_lines(doc)
    tables = join_continued(doc.tables + _text_tables(doc, lines)) + space_tables(lines) + space_indicator_tables(lines)
    # the readers below find tables the ones above may have read already: each kind of block is read once
    kinds = {b.kind for t in tables for b in blocks_of(t)}
    plain_lines = [l for l in lines if "|" not in l.text]
    # a table printed one cell per line is read from the printed lines: a short cell is no wrapped line
    cell_lines = [l for l in doc.lines if "|" not in l.text]
    cells = form_cells(plain_lines)  # the flattened-form readers share one reading of the cells
    readers = ((aligned_tables, cell_lines), (space_row_tables, plain_lines), (cell_grid_tables, cell_lines),
               (field_list_tables, plain_lines),
               (cell_indicator_tables, cell_lines), (fund_form_tables, cells),
               (nameless_tables, cells), (glued_indicator_tables, plain_lines), (glued_fund_tables, plain_lines))
    for reader, given in readers:
        new = [(t, {b.kind for b in blocks_of(t)}) for t in reader(given)]
        new = [(t, found) for t, found in new if not found & kinds and not _read_before(t, tables)]
        tables += [t for t, _ in new]
        kinds |= {k for _, found in new for k in found}
    return tables


SAME_TABLE_SHARE = 0.8  # a rebuilt table whose figures are mostly another table's is that table read again


def _figures_of(table) -> set[str]:
    from .tables import clean

    return {c for row in table.rows for cell in row if (c := clean(cell).replace(",", ""))
            and re.fullmatch(r"\d+\.\d+%?|\d{3,}%?", c)}  # telling figures: not 0, 10, 100 of any form


def _read_before(table, tables: list) -> bool:
    """Whether a table a flattened-form reader rebuilt is one already read (a Word table's cells are in the
    text as well): most of its telling figures stand in one table read before."""
    mine = _figures_of(table)
    return bool(mine) and any(len(mine & _figures_of(t)) >= SAME_TABLE_SHARE * len(mine) for t in tables)


def extract_tables(tables: list, flow: Flow, out: Extraction, report_kind: str | None) -> None:
    from .tables import blocks_of, fund_rows, indicator_facts, project_list_facts

    blocks = [block for table in tables for block in blocks_of(table)]
    # one fund table is the department's; with several, each may be one project's or fund's
    several_funds = sum(1 for b in blocks if b.kind not in ("indicator", "project_list")) > 1
    # the unit a caption declares ("单位：万元"), else the one most amounts of the text are written in
    unit = (caption_unit(flow) or usual_unit(flow)) if any(b.kind != "indicator" for b in blocks) else "万元"
    for block in blocks:
        if block.kind == "indicator":
            for fact in indicator_facts(block, ""):
                if fact.kind == "self_evaluation" and any(f.kind == "self_evaluation" for f in out.facts):
                    continue
                if fact.kind == "indicator" and "reason" not in fact.fields:  # "偏差说明：群众满意度略低于…，原因是…"
                    found = _named_explanation(flow, fact.fields.get("name") or "")
                    if found is not None:
                        fact.fields["reason"], fact.field_evidence["reason"] = found
                out.facts.append(fact)
        elif block.kind == "project_list":
            out.facts.extend(project_list_facts(block, unit))  # reasons given in prose: explain_projects
        else:
            _fund_block(block, fund_rows(block, unit), flow, tables, out, report_kind, several_funds)


def _fund_block(block, rows, flow: Flow, tables: list, out: Extraction, report_kind: str | None,
                several: bool = False) -> None:
    total, parts = rows
    if total is None:
        return
    evidence = [Evidence(block.page, total["text"][:200])]
    if report_kind == "项目" and not any(f.kind == "project" and f.extractor == "table.fund" for f in out.facts):
        name = own_project_name(flow, tables)
        fields: dict = {"name": name}
        for src, dst in (("initial", "initial"), ("adjusted", "adjusted"), ("spent", "spent"), ("rate", "rate_stated")):
            if src in total:
                fields[dst] = total[src]
        if total.get("reason"):  # the form's 原因 column: why the rate fell short
            fields["explanation"] = total["reason"]
        note = None if total.get("reason") else _execution_explanation(flow)  # or a note under the form
        if note is not None:
            fields["explanation"] = note[0]
        if len(fields) > 1:
            fact = Fact("project", f"项目：{name}", fields, evidence, "table.fund", anchor="header")
            if note is not None:
                fact.field_evidence["explanation"] = note[1]
            out.facts.append(fact)
    if report_kind == "部门整体":
        _department_budget_rows(block, total, parts, out, anchored=not several)
    if "rate" in total or "score" in total:
        fields = {k: total[k] for k in ("rate", "weight", "score") if k in total}
        if "weight" in fields or "score" in fields:
            out.facts.append(Fact("execution_score", "预算执行率得分", fields, evidence, "table.fund", anchor="header"))
    scope_words = lexicon()["scope"]["basic"] + lexicon()["scope"]["project"]
    scope_rows = report_kind == "部门整体" and any(any(w in p["label"] for w in scope_words) for p in parts)
    for part in parts:
        if not (scope_rows and any(w in part["label"] for w in scope_words)):  # those are budget facts
            _fund_source(block, total["label"], part, out)
    for key, label in (("initial", "年初预算"), ("adjusted", "调整后预算"), ("spent", "预算执行数")):
        if scope_rows:
            break  # 基本支出 + 项目支出 = 整体 is budget.total-composition's to judge
        if any(row["cells_lost"] for row in [total, *parts]):
            break  # a row lost cells: which column its figures are in is a guess, their sum no evidence
        values = [p[key] for p in parts if key in p]
        if key in total and values:
            out.facts.append(make_breakdown(f"资金表“{total['label']}”{label}", total[key], values,
                                        [p["label"] for p in parts if key in p],
                                        evidence + [Evidence(block.page, p["text"][:120]) for p in parts[:3]],
                                        "table.fund"))


def _fund_source(block, table: str, row: dict, out: Extraction) -> None:
    """A 其中 row of a fund table (本年财政拨款, 上年结转, 其他资金 …) with its own figures."""
    from .tables import MONEY_FIELDS

    fields: dict = {k: row[k] for k in MONEY_FIELDS if k in row}
    if not fields:
        return  # a source the form lists but leaves empty
    if "rate" in row:
        fields["rate_stated"] = row["rate"]
    source = _PARTS_INTRO.sub("", row["label"]).strip() or row["label"]
    out.facts.append(Fact("fund_source", f"资金来源：{source}", {"table": table, "source": source, **fields},
                          [Evidence(block.page, row["text"][:200])], "table.fund", anchor="header"))


_BUDGET_FROM_FUND = (("initial", "initial"), ("adjusted", "full_year"), ("spent", "final"), ("rate", "rate_stated"))


def _department_budget_rows(block, total: dict, parts: list[dict], out: Extraction, anchored: bool = True) -> None:
    """A 部门整体 fund table: its total row is the department's budget, 基本/项目支出 rows its parts.
    When the report has several fund tables, which one is the department's is only inferred."""
    rows = [("部门整体", total)] + [(SCOPE_CN[scope], row) for row in parts
                                     for scope in ("basic", "project") if any(w in row["label"] for w in lexicon()["scope"][scope])]
    for scope, row in rows:
        if any(f.kind == "budget" and f.fields.get("scope") == scope for f in out.facts):
            continue  # prose stated it already; the figures-consistent rule compares the two
        fields = {"scope": scope, **{dst: row[src] for src, dst in _BUDGET_FROM_FUND if src in row}}
        if len(fields) > 2:
            out.facts.append(Fact("budget", scope, fields, [Evidence(block.page, row["text"][:200])], "table.fund",
                                  anchor="header" if anchored else "inferred"))
        if not anchored:
            continue
        for src, dst in _BUDGET_FROM_FUND[:3]:
            if src in row:
                out.mentions.append((f"{scope}{BUDGET_LABELS[dst]}", row[src], Evidence(block.page, row["text"][:120])))


# ---------------------------------------------------------------- prose breakdowns

_PARTS_INTRO = re.compile(rf"(?:{alternation('list_intro')})[:：,，]?")  # 其中 / 主要包括 / 具体为 …


def extract_breakdowns(flow: Flow, out: Extraction) -> None:
    """"总预算2455.5万元，其中A 87.5万元，B 2350万元。" -> total vs the sum of its parts."""
    from .figures import money_mentions

    text = flow.text
    for m in _PARTS_INTRO.finditer(text):
        s, e = flow.sentence_bounds(m.end())
        lo = max(0, m.start() - TOTAL_BEFORE_PARTS)
        before = list(money_mentions(text[lo: m.start()], lo))
        if not before:
            continue
        total_start, total_end, total, _ = before[-1]
        if re.search(r"[。；;]", text[total_end: m.start()]):
            continue  # the total is in an earlier sentence about something else
        segment_end = min(e, _next_clause_break(text, m.end(), e))
        if m.start() > 0 and text[m.start() - 1] in "(（":  # "(其中…)": the parts end with the bracket
            close = re.search(r"[)）]", text[m.end(): segment_end])
            segment_end = m.end() + close.start() if close else segment_end
        parts = [p for p in money_mentions(text[m.end(): segment_end], m.end())
                 if not _in_brackets(text, m.end(), p[0]) and not _is_change(text, m.end(), p[0])]
        if parts and _cut_short(text, parts[-1][1]):
            continue  # an excerpt cut mid-list: the parts are not all there
        parts, closed = _one_level(text, m.end(), parts)
        if closed:
            more, segment_end = _after_sub_list(flow, segment_end, parts, m.end())
            parts += more
        if len(parts) < 2:
            continue
        names = [_part_name(text, ps, m.end()) for ps, _, _, _ in parts]
        evidence = [flow.quote(total_start, segment_end - 1, limit=240)]
        declared = _declared_classes(text[s: total_start])
        out.facts.append(make_breakdown(f"“{_part_name(text, total_start, max(0, total_start - 30))}”的构成",
                                    total, [q for _, _, q, _ in parts], names, evidence, "breakdown.sentence",
                                    complete=True if declared == len(parts) else None))


_DECLARED_CLASSES = re.compile(rf"(?P<n>[两二三四五六七八九十]|\d)(?:{alternation('declared_classes')})")


def _one_level(text: str, start: int, parts: list) -> tuple[list, bool]:
    """The parts of one list, and whether a sub-list closed it. A 其中 between two of its amounts (not in
    brackets) opens the sub-parts of the amount before it ("其中：财政拨款收入1000万元，其中一般公共预算800万元、
    政府性基金200万元"), which are not parts of the total; the list stops there. The sub-list closes the
    clause when its amounts add up to the amount they divide (then the list may go on after a ；)."""
    out = parts[:1]
    for k, part in enumerate(parts[1:], 1):
        nested = [n for n in _PARTS_INTRO.finditer(text, out[-1][1], part[0]) if not _in_brackets(text, start, n.start())]
        if nested:
            sub = sum(q.value for _, _, q, _ in parts[k:])
            return out, len(parts) - k >= 2 and sub == out[-1][2].value
        out.append(part)
    return out, False


def _siblings(first: str, other: str) -> bool:
    """Two part names of one division (lexicon partitions: 基本支出 and 项目支出, 财政拨款 and 事业收入 …)."""
    return any(any(w in first for w in ws) and any(w in other for w in ws) and not any(w in first and w in other for w in ws)
               for ws in entry("partitions").values())


def _after_sub_list(flow: Flow, at: int, parts: list, floor: int) -> tuple[list, int]:
    """A list whose last part was divided by a sub-list closed with ；: the parts the list goes on with in the
    next clause ("…；项目支出400万元"), each a sibling of the list's first part in one division; and where they end."""
    text = flow.text
    if text[at: at + 1] not in ("；", ";"):
        return [], at
    end = _next_clause_break(text, at + 1, flow.sentence_bounds(at + 1)[1])
    more = [p for p in money_mentions(text[at + 1: end], at + 1)
            if not _in_brackets(text, at + 1, p[0]) and not _is_change(text, at + 1, p[0])]
    first = _part_name(text, parts[0][0], floor)
    if not more or not all(_siblings(first, _part_name(text, p[0], at + 1)) for p in more):
        return [], at
    return more, end


def _declared_classes(before_total: str) -> int | None:
    """"主要有部门预算项目支出、专项预算支出二类支出，项目资金总预算…": the number of classes the sentence
    says the total is made of (then a 其中 list of as many parts is all of them)."""
    found = [chinese_int(m.group("n")) for m in _DECLARED_CLASSES.finditer(before_total)]
    return found[-1] if len(found) == 1 else None


def _cut_short(text: str, last_part_end: int) -> bool:
    """The text stops right after the last part without ending its sentence: truncated."""
    rest = text[last_part_end:].strip()
    return len(rest) < CUT_SHORT_TAIL and not rest.startswith(("。", "；", ";"))


def _in_brackets(text: str, start: int, pos: int) -> bool:
    """Is `pos` inside a bracket opened after `start` (a part's own sub-part)?"""
    segment = text[start:pos]
    return segment.count("(") + segment.count("（") > segment.count(")") + segment.count("）")


_SUM_WORD = re.compile(rf"(?:{alternation('sum_words')})")
_PARTS_FOLLOW = re.compile(rf"[，,：:\s]*(?:{alternation('parts_follow')})")
_CHANGE = re.compile(alternation("change_words"))
CHANGE_LOOKBACK = 8  # characters before an amount that may say it is a change (较上年增加…), not a part


_PARTITION_WORD = re.compile("|".join(sorted((re.escape(w) for f in entry("partitions").values() for w in f),
                                              key=len, reverse=True)))


def _is_change(text: str, floor: int, pos: int) -> bool:
    """较上年增加X万元 is a change, 上年结转资金X万元 a fund source."""
    before = text[max(floor, pos - CHANGE_LOOKBACK): pos]
    return bool(_CHANGE.search(before)) and not _PARTITION_WORD.search(before)


def extract_sum_lines(flow: Flow, out: Extraction) -> None:
    """"A 3374.3万元、B 2069.51万元、C 778.59万元，合计6222.4万元" -> total vs the listed amounts."""
    from .figures import money_mentions

    text = flow.text
    for m in _SUM_WORD.finditer(text):
        total = next(iter(money_mentions(text[m.end(): m.end() + SUM_WORD_TO_TOTAL], m.end())), None)
        if total is None or not re.fullmatch(r"[^，,。；;]{0,12}", text[m.end(): total[0]]):
            continue
        s, e = flow.sentence_bounds(m.start())
        parts = [p for p in money_mentions(text[s: m.start()], s) if not _in_brackets(text, s, p[0])]
        anchor, complete = "label", True  # "A…、B…，合计T": the terms the total adds up
        if len(parts) < 2:  # "共计X万元，A支出…万元，B支出…万元": the parts follow the total
            if _PARTS_INTRO.match(text, total[1] + len(re.match(r"[，,：:\s]*", text[total[1]:]).group(0))):
                continue  # "合计X万元，其中…": the breakdown reader's
            parts = [p for p in money_mentions(text[total[1]: e], total[1])
                     if not _in_brackets(text, total[1], p[0]) and not _is_change(text, total[1], p[0])]
            if parts and _cut_short(text, parts[-1][1]):
                continue
            parts = _one_level(text, total[1], parts)[0]
            # figures that merely follow a total are its parts only when a word says so ("包括…")
            anchor = "label" if _PARTS_FOLLOW.match(text[total[1]: total[1] + 8]) else "inferred"
            complete = None  # "…，包括A、B": maybe only some of them
        if len(parts) < 2:
            continue
        names = [_part_name(text, ps, s) for ps, _, _, _ in parts]
        if any(_SUM_WORD.search(text[max(s, ps - 6): ps]) for ps, _, _, _ in parts):
            continue  # "收入合计…，支出合计…": a second total beside the first, not a part of it
        between = text[m.end(): total[0]].strip(" 为是:：")
        name = between or _part_name(text, m.start(), s)
        out.facts.append(make_breakdown(f"“{name}”合计", total[2], [q for _, _, q, _ in parts],
                                    names, [flow.quote(s, total[1])], "breakdown.sum-line", anchor, complete))


def _next_clause_break(text: str, start: int, end: int) -> int:
    """Parts run to the sentence end, or to a 。/；/另 that starts another statement."""
    m = re.search(r"[。；;]|另外|此外|同比", text[start:end])
    return start + m.start() if m else end


def _part_name(text: str, start: int, floor: int) -> str:
    head = re.split(r"[，,、：:；;。\n]", text[max(floor, start - PART_NAME_SPAN): start])[-1]
    head = re.sub(r"^(其中|包括|分别是|分别为)", "", head)
    head = re.sub(r"(为|是|共计|合计|总计|共|计|达|约|达到)$", "", head.strip())
    head = re.split(r"本项目|本单位|本部门|(?<!公)共", head)[-1]  # "…本项目共申请预算资金" -> "申请预算资金" (not 公共)
    head = head.strip(" .·…")
    return head[-16:] or "（未命名）"


# ---------------------------------------------------------------- other figures

COUNT_UNITS = words("units.count")
_FIGURE = re.compile(
    rf"(?<![\d.,])(?P<dir>[≥≤]?)(?:(?P<num>{NUM})|(?:(?<=[共设有及计了为等各达约和、，,：:])|(?<![\u4e00-\u9fff]))(?P<cn>[一二三四五六七八九十两]{{1,4}}))"
    rf"\s*(?P<unit>%|分|{'|'.join(COUNT_UNITS)})"
)


_CN_COUNT_UNITS = words("units.count_in_chinese_numerals")


def extract_figures(flow: Flow, out: Extraction) -> None:
    """Every rate, score and count the report states, with the words before it as its label.

    These are what an auditor reads off the page; rules use the structured facts, but the
    fact dump and the accuracy measurement see every figure.
    """
    text = flow.text
    for m in _FIGURE.finditer(text):
        unit = m.group("unit")
        number = m.group("num") or str(chinese_int(m.group("cn")) or "")
        if not number:
            continue
        if m.group("cn") and unit not in _CN_COUNT_UNITS:
            continue  # "一批项目" is the first batch, not one batch
        if unit == "%":
            value = percent(number)
        else:
            value = plain(number, "分" if unit == "分" else unit)
        if m.group("cn"):
            value = Quantity(value.value, value.places, value.unit, m.group("cn") + unit)  # as written: 三项
        s, _ = flow.sentence_bounds(m.start())
        label = re.split(r"[，,、：:；;。(（)）\s]", text[max(s, m.start() - FIGURE_LABEL_SPAN): m.start()])[-1]
        fields: dict = {"value": value, "unit_written": unit}
        if label:
            fields["label"] = label
        out.facts.append(Fact("figure", f"第{flow.page_at(m.start())}页数字", fields,
                              [flow.quote(m.start(), m.end())], "figure.mention"))


# ---------------------------------------------------------------- count × price = total

_PRICE = re.compile(rf"(?:每(?:人|名|户|个|家|所|村|次|套|台)(?:每(?:年|月))?|人均|户均)[^，,。；;\d]{{0,8}}?(?P<num>{NUM})\s*(?P<unit>万元|元)"
                    rf"|(?P<num2>{NUM})\s*(?P<unit2>万元|元)\s*/\s*(?:人|名|户|个|家|所|村|次|套|台)")
_HEADCOUNT = re.compile(rf"(?P<num>{NUM})\s*(?:人|名|户|个|家|所|村|次|套|台)(?!次)")
_TOTAL = re.compile(rf"(?:共计|合计|总计|共|计)(?:发放|支付|补助|资金|金额|支出)?[^，,。；;\d]{{0,6}}?(?P<num>{NUM})\s*(?P<unit>万元|元)")


def extract_products(flow: Flow, out: Extraction) -> None:
    """"为120名学生每人发放补助300元，共计3.6万元": count × price against the stated total."""
    for s, e in _sentences(flow):
        sentence = flow.text[s:e]
        price = _PRICE.search(sentence)
        if not price:
            continue
        total = next((t for t in _TOTAL.finditer(sentence) if t.start() > price.end() - 1), None)
        counts = [c for c in _HEADCOUNT.finditer(sentence[: total.start() if total else len(sentence)])
                  if not (price.start() <= c.start() < price.end())]
        if not total or len(counts) != 1:
            continue  # one count, one price, one total: otherwise the sentence is not this sum
        num, unit = (price.group("num"), price.group("unit")) if price.group("num") else (price.group("num2"), price.group("unit2"))
        fields = {"count": plain(counts[0].group("num"), "个"), "price": money(num, unit),
                  "total": money(total.group("num"), total.group("unit")),
                  "total_written": f"{total.group('num')}{total.group('unit')}"}
        fact = Fact("product", "数量×单价", fields, [flow.quote(s, e - 1)], "product.sentence")
        out.facts.append(fact)


# ---------------------------------------------------------------- stated count vs listed items

_COUNT = r"(?P<n>\d+|[一二三四五六七八九十]+)\s*(?P<unit>" + alternation("enumeration.units") + r"|人)"
_ENUMERATION = re.compile(
    _COUNT + r"[^，,。；;\d]{0,4}?[，,：:]?\s*(?:" + alternation("enumeration.list_after_count")
    + r")[:：]?(?P<items>[^。；;\n]+)"
)
# "设信息科、综合股、热线管理科3个内设机构": the names first, then their count and what they are
_BEFORE_WORDS = words("enumeration.list_before_count")
_ENUMERATION_BEFORE = re.compile(
    # a two-character lead (下设) anywhere; a one-character one (设) only where a clause starts (not 建设)
    r"(?:(?:" + "|".join(w for w in _BEFORE_WORDS if len(w) > 1) + r")|(?:^|(?<=[，,。；;：:\n]))\s*(?:"
    + "|".join(w for w in _BEFORE_WORDS if len(w) == 1) + r"))(?P<items>[^，,。；;：:\d\n]{2,}?(?:[、][^，,。；;：:\d\n]{2,}?)+?)(?:"
    + alternation("enumeration.count_after_list") + r")?" + _COUNT.replace("|人)", ")")
    + r"(?P<label>[\u4e00-\u9fff]{2,8})"
)


_LIST_SEPARATORS = re.compile(r"[、，,；;]")
_LAST_JOINERS = re.compile(rf"(?:{alternation('list_joiners')})")


def _list_items(text: str) -> list[str]:
    """"文化馆、图书馆和文物管理所" -> three names; "办公室和文化和旅游股" -> two: a joiner (和/及/与)
    splits an item only where both sides end like names of the list (科/股, 馆/所 …), since
    unit names carry 和 / 与 inside them (文化和旅游局)."""
    items = [i.strip() for i in _LIST_SEPARATORS.split(text) if i.strip()]
    endings = {i[-1] for i in items}
    out: list[str] = []
    for item in items:
        out.extend(_split_joined(item, endings))
    return out


def _split_joined(item: str, endings: set[str]) -> list[str]:
    for m in _LAST_JOINERS.finditer(item):
        head, tail = item[: m.start()], item[m.end():]
        if len(head) >= 2 and len(tail) >= 2 and (head[-1] == tail[-1] or head[-1] in endings - {item[-1]}):
            return [head] + _split_joined(tail, endings | {head[-1]})
    return [item]


ENUMERATION_MAX = 50  # a stated count above this is no list of names
LABEL_BEFORE_COUNT = 16  # characters before the count that may hold what is counted (内设科室)


def _enumerated(flow: Flow, m: re.Match, label: str | None) -> Fact | None:
    text = flow.text
    items_text = re.sub(r"[（(][^）)]*[）)]", "", m.group("items")).strip()
    if "等" in items_text[-3:] or len(items_text) < 2 or re.search(r"\d+\s*(?:万元|元|%)", items_text):
        return None  # "…等" is not exhaustive; figures mean this is not a list of names
    items = _list_items(items_text)
    stated = chinese_int(m.group("n"))
    if stated is None or len(items) < 2 or stated > ENUMERATION_MAX:
        return None
    if label is None:
        s, _ = flow.sentence_bounds(m.start())
        label = re.split(r"[，,、：:；;。\n]", text[max(s, m.start() - LABEL_BEFORE_COUNT): m.start()])[-1].strip()
    label = label or "所列事项"
    listed = Quantity(Decimal(len(items)), 0, "个", "")  # counted by us, not stated by the report
    fields = {"label": label, "count_stated": plain(str(stated), "个"), "count_listed": listed,
              "items": "、".join(items)}
    return Fact("enumeration", f"{label}{m.group('n')}{m.group('unit')}", fields,
                [flow.quote(m.start(), m.end())], "enumeration.sentence")


def extract_enumerations(flow: Flow, out: Extraction) -> None:
    """"内设科室5个，分别是办公室、…" or "设办公室、…5个内设机构": the count stated against the items listed."""
    for pattern, label in ((_ENUMERATION, None), (_ENUMERATION_BEFORE, "label")):
        for m in pattern.finditer(flow.text):
            fact = _enumerated(flow, m, m.group(label) if label else None)
            if fact is not None:
                out.facts.append(fact)
