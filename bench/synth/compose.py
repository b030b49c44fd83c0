"""A truth written out as a report: a list of blocks (title, headings, paragraphs, tables).

How it is written (labels, ordinals, section titles, units, column order …) is drawn per report
from the phrase bank; what it says comes from the truth (and a seeded problem's overrides in
`Style.show`, which the composer prints instead of the true figure).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .model import D, EXPLANATION_THRESHOLD, Truth, q
from .phrases import Chooser, ordinal, phrase_path

MIN_DEPT_CHARS = 3400  # above the structure rules' 3000 characters, so they judge the report
DEPT_FUND_TABLE_SHARE = 0.4  # department reports that also give the 自评表's funds rows
INLINE_ITEMS_SHARE = 0.3  # problems / measures written as one paragraph of 一是…二是…
PADDING_SENTENCES = 4  # sentences a paragraph of work done
HARD_WRAP_WIDTH = 34   # characters a line when a .txt is pasted from a PDF with its line breaks
PROJECT_TABLE_SHARE = 0.35  # department reports that list their projects as a table
PROJECT_TABLE_REASON_COLUMN = 0.4  # of those, tables with a reason column (else the reasons follow in prose)
PERSONNEL_SHARE = D("0.8")  # 人员经费 of 基本支出 in a sentence that divides it again (其中 … 其中 …)


@dataclass
class Block:
    kind: str  # title / h1 / h2 / p / table
    text: str = ""
    rows: list = field(default_factory=list)
    header_rows: int = 0
    role: str = ""  # table: indicators / funds / form


@dataclass
class Style:
    """How one report writes things; drawn once per report."""
    unit: str
    places: int
    thousands: bool
    level1: str
    level2: str
    items: str
    labels: dict
    order: list
    headers: dict
    repeat_l1: bool
    group_totals: bool  # a 合计 row under each level-1 group (not the total score)
    project_table: bool = False  # a department's projects as a table (where none of them was adjusted)
    show: dict = field(default_factory=dict)  # seeded overrides: key -> what to print
    slip: str = ""  # key of the figure written 元 instead of 万元


def draw_style(ch: Chooser, truth: Truth) -> Style:
    labels = {k: ch.pick(f"labels.{k}") for k in phrase_path("labels")}
    headers = {k: ch.pick(f"indicator_headers.{k}") for k in phrase_path("indicator_headers")}
    style = Style(unit=truth.unit, places=truth.rate_places, thousands=ch.chance(0.3),
                  level1=ch.pick("ordinals.level1"), level2=ch.pick("ordinals.level2"),
                  items=ch.pick("ordinals.items"), labels=labels, order=ch.pick("indicator_orders"), headers=headers,
                  repeat_l1=ch.chance(0.5), group_totals=ch.chance(0.4))
    style.group_totals = style.group_totals and "l1" in style.order  # a group's 合计 row needs the group's column
    style.project_table = ch.chance(PROJECT_TABLE_SHARE)
    return style


# ---------------------------------------------------------------- figures


def plain_number(v: Decimal, places: int, thousands: bool) -> str:
    text = f"{v:,.{places}f}" if thousands else f"{v:.{places}f}"
    return text


def amount(style: Style, v: Decimal, key: str = "", with_unit: bool = True) -> str:
    """An amount held in 万元, written in the report's unit; a seeded slip writes 元 after a 万元 figure."""
    v = style.show.get(key, v)
    value = v if style.unit == "万元" else v * 10000
    text = plain_number(value, 2, style.thousands)
    if not with_unit:
        return text
    return text + ("元" if key and key == style.slip else style.unit)


def rate(style: Style, v: Decimal, key: str = "") -> str:
    v = style.show.get(key, v)
    return f"{v:.{style.places}f}%"


def score(v: Decimal) -> str:
    return format(v.normalize(), "f") if v == v.to_integral() else f"{v:.2f}"


def heading(style: Style, level: int, n: int, text: str) -> Block:
    fmt = style.level1 if level == 1 else style.level2
    return Block("h1" if level == 1 else "h2", ordinal(fmt, n) + text)


def item(style: Style, n: int) -> str:
    return ordinal(style.items, n)


def grade_word(ch: Chooser, grade: str) -> str:
    return ch.pick(phrase_path("grades.words")[grade])


# ---------------------------------------------------------------- indicator tables


def comparator(ind, ch: Chooser) -> str:
    if ind.kind == "done":
        return ""
    if ind.kind == "le":  # a lower-is-better row, its sign sometimes left out (the name says which way)
        return ch.pick(["≤", "≤", ""])
    return ch.pick(["≥", "", ">=", "="] if ind.kind == "pct" else ["≥", "", "≥"])


def row_cells(style: Style, ind, ch: Chooser, first_in_group: bool, first_in_dim: bool) -> list[str]:
    """One indicator row in the report's column order; target and unit in one cell or apart (指标性质 |
    指标值 | 度量单位, as forms such as 003 and D04 have them)."""
    sign = comparator(ind, ch)
    quantitative = ind.kind != "done"
    values = {
        "l1": ind.l1 if first_in_group or style.repeat_l1 else "",
        "l2": ind.l2 if first_in_dim or style.repeat_l1 else "",
        "l3": ind.name,
        "target": f"{sign}{ind.target}{ind.unit}" if quantitative else ind.target,
        "actual": ind.actual + (ind.unit if quantitative else ""),
        "nature": (sign or ("" if ind.kind == "le" else "≥")) if quantitative else "定性",  # D04 leaves it empty
        "tvalue": ind.target,
        "unit": ind.unit,
        "avalue": ind.actual,
        "weight": score(ind.weight),
        "score": score(style.show.get(("score", ind.name), ind.score)),
        "reason": style.show.get(("reason", ind.name), ind.reason),
    }
    return [values[c] for c in style.order]


def total_row(style: Style, label: str, weight: Decimal, total: Decimal) -> list[str]:
    cells = {c: "" for c in style.order}
    cells["l1" if "l1" in style.order else style.order[0]] = label
    cells["weight"], cells["score"] = score(weight), score(total)
    return [cells[c] for c in style.order]


def indicator_rows(style: Style, truth: Truth, ch: Chooser) -> list[list[str]]:
    """Header and rows; with group_totals a 合计 row closes each level-1 group."""
    rows = [[style.headers[c] for c in style.order]]
    prev_l1 = prev_l2 = None
    for ind in truth.indicators:
        if prev_l1 and ind.l1 != prev_l1 and style.group_totals:
            rows.append(group_total(style, truth, prev_l1))
        rows.append(row_cells(style, ind, ch, ind.l1 != prev_l1, ind.l2 != prev_l2 or ind.l1 != prev_l1))
        prev_l1, prev_l2 = ind.l1, ind.l2
    if style.group_totals:
        rows.append(group_total(style, truth, prev_l1))
    return rows


def group_total(style: Style, truth: Truth, l1: str) -> list[str]:
    rows = [i for i in truth.indicators if i.l1 == l1]
    w = sum((i.weight for i in rows), D(0))
    s = sum((style.show.get(("score", i.name), i.score) for i in rows), D(0))
    return total_row(style, ch_label(l1), w, s)


def ch_label(l1: str) -> str:
    return f"{l1[:-2]}指标合计"


def indicator_count_text(style: Style, truth: Truth, ch: Chooser) -> str:
    """"共设置绩效指标N个，其中产出指标A个（数量指标a个、…）…" from the rows (a seeded count overrides)."""
    groups = {}
    for ind in truth.indicators:
        groups.setdefault(ind.l1[:-2], {}).setdefault(ind.l2, 0)
        groups[ind.l1[:-2]][ind.l2] += 1
    counts = style.show.get("dim_counts", {})
    parts = []
    total = 0
    dim_tpl, group_tpl = ch.pick("indicator_counts.dim"), ch.pick("indicator_counts.group")
    for g, dims in groups.items():
        dims = {d: counts.get((g, d), n) for d, n in dims.items()}
        n = sum(dims.values())
        total += n
        inner = "、".join(dim_tpl.format(name=d, N=c) for d, c in dims.items())
        parts.append(group_tpl.format(name=g, N=n, parts=inner))
    return ch.pick("indicator_counts.total").format(N=total) + "，".join(parts) + "。"


# ---------------------------------------------------------------- sentences


def project_sentence(style: Style, p, idx: int, ch: Chooser) -> str:
    lab = style.labels
    key = f"p{idx}"
    adj_label = lab["add"] if p.adjustment >= 0 else lab["cut"]
    text = ch.pick("project_para.head").format(item=item(style, idx + 1), name=p.name)
    text += ch.pick("project_para.purpose").format(purpose=p.purpose)
    text += ch.pick("project_para.initial").format(label_i=lab["initial"], A_i=amount(style, p.initial, key + ".initial"))
    if p.adjustment != 0 or key + ".adjustment" in style.show:
        adj = style.show.get(key + ".adjustment", p.adjustment)
        text += ch.pick("project_para.adjust").format(adj_label=adj_label, A_d=amount(style, abs(adj)))
        text += ch.pick("project_para.adjusted").format(label_a=lab["adjusted"], A_a=amount(style, p.adjusted, key + ".adjusted"))
    text += ch.pick("project_para.spent").format(label_s=lab["spent"], A_s=amount(style, p.spent, key + ".spent"))
    text += ch.pick("project_para.rate").format(label_r=lab["rate"], R=rate(style, p.rate, key + ".rate"))
    reason = style.show.get(key + ".reason", p.reason)
    if reason:
        text += f"{reason}。"
    return text


def budget_sentence(style: Style, truth: Truth, ch: Chooser) -> str:
    b, lab = truth.budget, style.labels
    text = ch.pick("budget.intro").format(
        Y=truth.year, org=truth.org, label_i=lab["initial"], A_i=amount(style, b.initial, "b.initial"), basic=lab["basic"],
        project=lab["project"], A_ib=amount(style, b.initial_basic), A_ip=amount(style, b.initial_project))
    if b.adjustment != 0:
        adj_label = lab["add"] if b.adjustment > 0 else lab["cut"]
        text += ch.pick("budget.adjust").format(adj_label=adj_label, A_d=amount(style, abs(b.adjustment), "b.adjustment"))
        text += ch.pick("budget.full_year").format(label_a=lab["adjusted"], A_a=amount(style, b.adjusted))
    basic = style.show.get("b.spent_basic", b.spent_basic)  # a problem's figure is divided as printed
    personnel = q(basic * PERSONNEL_SHARE, 2)
    text += ch.pick("budget.spent").format(
        Y=truth.year, label_s=lab["spent"], A_s=amount(style, b.spent), basic="基本支出",
        A_sb=amount(style, b.spent_basic, "b.spent_basic"), project="项目支出", A_sp=amount(style, b.spent_project),
        A_sbp=amount(style, personnel), A_sbo=amount(style, basic - personnel),
        label_r=lab["dept_rate"], R=rate(style, b.rate))
    if b.reason:
        text += f"预算执行率未达到{EXPLANATION_THRESHOLD}%，{b.reason}。"
    return text


def score_text(style: Style, truth: Truth, ch: Chooser, with_parts: bool) -> str:
    total = style.show.get("total", truth.total)
    lead = "conclusion_lead." + ("department" if truth.kind == "department" else "project")
    text = ch.pick(lead) + ch.pick("scores.total").format(S=score(total))
    if with_parts:
        tpl = ch.pick("scores.part")
        names = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "预算执行率": "预算执行率"}
        order = sorted(truth.parts, key=lambda k: k != "预算执行率") if ch.pick("scores.execution_first") else list(truth.parts)
        parts = [tpl.format(name=names[k], w=score(truth.parts[k][0]), s=score(truth.parts[k][1])) for k in order]
        text += "，" + ch.pick("scores.parts_intro") + "、".join(parts)
    grade = style.show.get("grade", truth.grade)
    return text + "，" + ch.pick("grades.phrasings").format(g=grade_word(ch, grade)) + "。"


def items_para(style: Style, texts: list[str]) -> list[Block]:
    return [Block("p", f"{item(style, i + 1)}{t}。") for i, t in enumerate(texts)]


# ---------------------------------------------------------------- sections


def section_blocks(role: str, style: Style, truth: Truth, ch: Chooser) -> list[Block]:
    return SECTION_WRITERS[role](style, truth, ch)


def basic_dept(style, truth, ch):
    out = [Block("h2", ordinal(style.level2, 1) + ch.pick("sections.duties")),
           Block("p", f"{truth.org}的主要职责是：")]
    out += items_para(style, ch.sample("filler.duties", ch.randint(5, 8)))
    out.append(Block("h2", ordinal(style.level2, 2) + ch.pick("sections.structure")))
    for e in truth.enumerations:
        count = style.show.get(("enum", e.template), e.count)
        out.append(Block("p", e.template.format(N=count, items="、".join(e.names))))
    staff = ch.randint(20, 200)
    out.append(Block("p", f"现有编制人员{staff}人，实有在职人员{staff - ch.randint(0, 5)}人。"))
    return out


def basic_project(style, truth, ch):
    p = truth.projects[0]
    text = f"{truth.year}年{p.name}主要用于{p.purpose}。"
    if p.sources:
        inner = "，".join(f"{src[0]}{amount(style, src[2], f's{i}')}" for i, src in enumerate(p.sources))
        text += f"全年下达资金{amount(style, p.adjusted)}，其中{inner}。"
    return [Block("p", text), Block("p", ch.pick("filler.work") + "。")]


def budget_dept(style, truth, ch):
    out = [Block("p", budget_sentence(style, truth, ch))]
    if ch.chance(DEPT_FUND_TABLE_SHARE):
        out.append(dept_fund_table(style, truth, ch))
    return out


def dept_fund_table(style: Style, truth: Truth, ch: Chooser) -> Block:
    """The 部门整体支出绩效自评表 funds rows: 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分."""
    b, (w, s) = truth.budget, truth.parts["预算执行率"]
    head = [f"年度预算（{style.unit}）", style.labels["initial"], style.labels["adjusted"], "全年执行数", "分值", "执行率", "得分"]
    total = [ch.pick("form.total_row"), amount(style, b.initial, with_unit=False), amount(style, b.adjusted, with_unit=False),
             amount(style, b.spent, with_unit=False), score(w), rate(style, b.rate), score(s)]
    return Block("table", rows=[head, total], header_rows=1, role="funds")


def funds_project(style, truth, ch):
    return [Block("p", project_sentence(style, truth.projects[0], 0, ch).replace(item(style, 1), "", 1))]


def projects_dept(style, truth, ch):
    adjusted = any(p.adjustment != 0 or f"p{i}.adjustment" in style.show for i, p in enumerate(truth.projects))
    if style.project_table and not adjusted and not style.slip:  # a table shows no adjustment, nor a unit slip
        return project_table(style, truth, ch)
    out = [Block("p", f"{truth.year}年重点实施项目{len(truth.projects)}个，具体情况如下：")]
    out += [Block("p", project_sentence(style, p, i, ch)) for i, p in enumerate(truth.projects)]
    return out


def project_table(style: Style, truth: Truth, ch: Chooser) -> list[Block]:
    """The projects as a table in 万元 (the unit in the caption), their reasons in a column or in sentences
    after it that name the project."""
    with_column = ch.chance(PROJECT_TABLE_REASON_COLUMN)
    head = [ch.pick(f"project_table.{c}") for c in ("name", "initial", "adjusted", "spent", "rate")]
    rows = [head + ([ch.pick("project_table.reason")] if with_column else [])]
    after = []
    wan = replace(style, unit="万元")
    for i, p in enumerate(truth.projects):
        reason = style.show.get(f"p{i}.reason", p.reason) or ""
        rows.append([p.name, amount(wan, p.initial, f"p{i}.initial", False), amount(wan, p.adjusted, f"p{i}.adjusted", False),
                     amount(wan, p.spent, f"p{i}.spent", False), rate(style, p.rate, f"p{i}.rate")]
                    + ([reason or "—"] if with_column else []))
        if reason and not with_column:
            after.append(ch.pick("project_table.reason_after").format(name=p.name, t=EXPLANATION_THRESHOLD, reason=reason))
    intro = ch.pick("project_table.intro").format(Y=truth.year, n=len(truth.projects))
    return [Block("p", intro), Block("table", rows=rows, header_rows=1, role="projects")] + \
        ([Block("p", "".join(after))] if after else [])


def indicators(style, truth, ch):
    return [Block("p", indicator_count_text(style, truth, ch)),
            Block("table", rows=indicator_rows(style, truth, ch), header_rows=1, role="indicators")]


def coverage(style, truth, ch):
    c = truth.coverage
    evaluated = style.show.get("coverage.evaluated", c["evaluated"])
    text = ch.pick("coverage").format(Y=truth.year, T=c["total"], E=evaluated, C=rate(style, c["rate"]))
    return [Block("p", text), Block("p", ch.pick("filler.work") + "。")]


def conclusion(style, truth, ch):
    return [Block("p", score_text(style, truth, ch, with_parts=True))]


def listed(path):
    """Items one a paragraph, or run together in one ("一是……；二是……；三是……。", as D10 writes them)."""
    def write(style, truth, ch):
        texts = ch.sample(path, ch.randint(2, 4))
        if ch.chance(INLINE_ITEMS_SHARE):
            return [Block("p", "；".join(ordinal("{cn}是", i + 1) + t for i, t in enumerate(texts)) + "。")]
        return items_para(style, texts)
    return write


SECTION_WRITERS = {
    "dept_basic": basic_dept, "project_basic": basic_project, "budget": budget_dept, "funds": funds_project,
    "projects": projects_dept, "indicators": indicators, "coverage": coverage, "conclusion": conclusion,
    "problems": listed("filler.problems"), "measures": listed("filler.measures"),
    "results_use": listed("filler.results_use"),
}


def work_padding(style: Style, ch: Chooser, chars: int) -> list[Block]:
    """A 年度重点工作 subsection: paragraphs of work done, long enough to give the report a full report's length."""
    pool = phrase_path("filler.work") + phrase_path("filler.duties")
    texts = []
    while sum(len(t) + 1 for t in texts) < chars:
        texts += ch.sample(pool, len(pool))
    while sum(len(t) + 1 for t in texts[:-1]) >= chars:
        texts.pop()
    paras = [texts[i:i + PADDING_SENTENCES] for i in range(0, len(texts), PADDING_SENTENCES)]
    return ([Block("h2", ordinal(style.level2, 3) + "年度总体工作和重点工作任务")]
            + [Block("p", "；".join(p) + "。") for p in paras])


def text_length(blocks: list[Block]) -> int:
    return sum(len(b.text) + sum(len("".join(r)) for r in b.rows) for b in blocks)


def report_blocks(truth: Truth, style: Style, ch: Chooser) -> list[Block]:
    head = [Block("title", truth.title)]
    if ch.chance(0.6):
        head.append(Block("p", f"根据有关文件要求，我单位对{truth.year}年度{'部门整体支出' if truth.kind == 'department' else '项目支出'}"
                               "开展了绩效自评，现将有关情况报告如下："))
    sections = []
    for n, role in enumerate(truth.sections, start=1):
        sections.append([heading(style, 1, n, ch.pick(f"sections.{role}"))] + section_blocks(role, style, truth, ch))
    if truth.kind == "department":
        short = MIN_DEPT_CHARS - text_length(head) - sum(text_length(s) for s in sections)
        basic = truth.sections.index("dept_basic")
        if short > 0:
            sections[basic] += work_padding(style, ch, short)
    return head + [b for s in sections for b in s]


# ---------------------------------------------------------------- the 自评表 form


def form_blocks(truth: Truth, style: Style, ch: Chooser) -> list[Block]:
    p = truth.projects[0]
    e = truth.parts["预算执行率"]
    unit_head = ch.pick("form.fund_header").replace("万元", style.unit)
    reason = style.show.get("p0.reason", p.reason)
    fund_rows = [["项目名称", p.name], ["主管部门", truth.org, "实施单位", truth.org],
                 [unit_head, style.labels["initial"], style.labels["adjusted"], "全年执行数", "分值", "执行率", "得分"]
                 + (["原因"] if reason else []),
                 [ch.pick("form.total_row"), amount(style, p.initial, "p0.initial", False),
                  amount(style, p.adjusted, "p0.adjusted", False), amount(style, p.spent, "p0.spent", False),
                  score(e[0]), rate(style, p.rate, "p0.rate"), score(e[1])] + ([reason] if reason else [])]
    for i, (lab, ini, adj, spent) in enumerate(p.sources):
        src_rate = rate(style, q(spent / adj * 100, style.places)) if adj else "—"
        fund_rows.append([lab, amount(style, ini, with_unit=False), amount(style, adj, f"s{i}", False),
                          amount(style, spent, with_unit=False), "—", src_rate, "—"])
    fund_rows.append([ch.pick("form.goal"), f"预期目标：{p.purpose}", f"实际完成情况：已{p.purpose}"])
    ind = indicator_rows(style, truth, ch)
    ind.append(total_row(style, ch.pick("form.total_score"), D(100), style.show.get("total", truth.total)))
    blocks = [Block("title", truth.title), Block("p", f"（{truth.year}年度）"),
              Block("table", rows=fund_rows, header_rows=0, role="funds"),
              Block("table", rows=ind, header_rows=1, role="indicators")]
    if "grade" in truth.sections:
        grade = style.show.get("grade", truth.grade)
        blocks.append(Block("p", ch.pick("grades.phrasings").format(g=grade_word(ch, grade))))
    problems, measures = ch.pick("filler.problems") + "。", ch.pick("filler.measures") + "。"
    if ch.chance(0.5):  # as the form's closing rows (003, 035) or as a line under it
        blocks[3].rows += [["存在问题", problems], ["改进措施", measures], ["项目负责人：", "财务负责人："]]
    else:
        blocks.append(Block("p", f"存在问题：{problems}改进措施：{measures}"))
    return blocks


def compose(truth: Truth, style: Style, ch: Chooser) -> list[Block]:
    return form_blocks(truth, style, ch) if truth.kind == "form" else report_blocks(truth, style, ch)
