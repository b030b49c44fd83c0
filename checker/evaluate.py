"""Evaluate stage: compiled rule pack + facts of one document -> findings.

The durable_rules engine decides what fires: comparisons, sums and differences of a fact's fields and
their rounding tolerance are its own expressions (rulebook/compiler.py); ratios, products and grade
bands reach it as computed values. The reference evaluator (three-valued, same AST) runs beside it:
it supplies "not evaluable" (which the engine cannot express), those computed values, the figures shown
in messages, and a cross-check that the tests hold to zero disagreements.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field, replace
from decimal import Decimal

from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from . import engine
from .model import Evidence, Fact, Finding, Quantity, RuleSummary
from .rulebook.compiler import HALF, Compiled, compile_condition, encode_number, ruleset_entry
from .rulebook.condition import (
    NUMBER as NUMERIC_DIM, NUMERIC, TEXT, UNKNOWN, And, Context, Num, evaluate, field_names, format_num, substitute,
    to_value,
)
from .rulebook.loader import REPORT_KINDS, Pack, Rule
from .rulebook.schema import DERIVED_JUDGMENTS, KINDS, field_label

_messages = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


@dataclass
class CompiledRule:
    rule: Rule
    compiled: Compiled
    condition: object  # where and when, as one AST
    used: frozenset = frozenset()  # fields the condition reads (for evidence)


@dataclass
class CompiledPack:
    pack: Pack
    name: str
    ruleset: dict
    rules: list[CompiledRule]
    profile: object = None
    ctx: Context | None = None
    engine_fields: dict = field(default_factory=dict)  # kind -> fields any compiled condition reads


def compile_pack(pack: Pack, profile=None) -> CompiledPack:
    """Compile the rules the profile switches on, with its settings substituted."""
    from .profile import load_profile

    profile = profile or load_profile("national")
    rules, ruleset = [], {}
    index = 0
    for rule in pack.rules:
        on = (rule.enabled or rule.id in profile.enable) and rule.id not in profile.disable
        if not on:
            continue
        if rule.id in profile.severity:
            rule = replace(rule, severity=profile.severity[rule.id])
        rule = replace(rule, when=substitute(rule.when, profile.params),
                       where=substitute(rule.where, profile.params) if rule.where is not None else None,
                       expected=substitute(rule.expected, profile.params) if rule.expected is not None else None,
                       actual=substitute(rule.actual, profile.params) if rule.actual is not None else None)
        node = And(items=(rule.where, rule.when)) if rule.where is not None else rule.when
        compiled = compile_condition(node, KINDS[rule.kind].dims(), prefix=f"r{index}_", tolerance=rule.tolerance,
                                     judgments=DERIVED_JUDGMENTS.get(rule.kind, frozenset()))
        ruleset[rule.id] = ruleset_entry(rule.id, rule.kind, compiled.expr)
        rules.append(CompiledRule(rule, compiled, node, frozenset(field_names(rule.when))))
        index += 1
    ctx = Context(grade_bands=profile.grade_bands, params=dict(profile.params))
    engine_fields: dict[str, frozenset] = {}
    for cr in rules:
        engine_fields[cr.rule.kind] = engine_fields.get(cr.rule.kind, frozenset()) | field_names(cr.condition)
    return CompiledPack(pack, f"perfcheck_{pack.digest}_{profile.digest}", ruleset, rules, profile, ctx, engine_fields)


@dataclass
class Evaluation:
    findings: list[Finding]
    summaries: list[RuleSummary]
    diagnostics: list[str] = field(default_factory=list)
    fired: set = field(default_factory=set)  # (rule id, fid) the engine activated
    facts: list = field(default_factory=list)  # the facts the rules ran on (amounts found slipped read as meant)


# ---------------------------------------------------------------- engine facts


def _encode_field(out: dict, name: str, value, dim: str) -> None:
    """A fact field as engine fields: a number and its half-width (`name__h`), a yes/no as 0/1, or a text."""
    if isinstance(value, bool):
        out[name] = int(value)
        return
    num = to_value(value, dim) if dim in NUMERIC else None
    if isinstance(num, Num):
        out[name], out[name + HALF] = encode_number(num.point), encode_number(num.half)
    elif isinstance(value, (Quantity, int, Decimal)):
        out[name] = encode_number(value.value if isinstance(value, Quantity) else Decimal(value))
    else:
        out[name] = str(value)


def engine_fact(fact: Fact, active: list[CompiledRule], ctx: Context, verdicts: dict | None = None,
                wanted: frozenset | None = None) -> dict:
    """A fact as the engine sees it: scalar fields plus the synthetic yes/no fields.

    The reference evaluation of each rule's where/when is done here once; its verdicts go to
    `verdicts` (for "not evaluable" and the cross-check) and its sub-results fill the synthetic fields.
    None when no rule applies to the fact (every where is false): the engine is given nothing to decide.
    """
    dims = KINDS[fact.kind].dims() if fact.kind in KINDS else {}
    out = {"kind": fact.kind, "fid": fact.fid}
    values: dict = {}  # each field's evaluator value, shared by the rules of this fact's kind
    for cr in active:
        if cr.rule.kind != fact.kind:
            continue
        rule_ctx = rule_context(cr.rule, ctx)
        memo: dict = {}
        rule = cr.rule
        applies = evaluate(rule.where, fact.fields, dims, rule_ctx, memo, values) if rule.where is not None else True
        # a rule that does not apply needs no verdict (the engine's test holds where and when together)
        verdict = evaluate(rule.when, fact.fields, dims, rule_ctx, memo, values) if applies is not False else False
        if verdicts is not None:
            verdicts[(rule.id, fact.fid)] = (applies, verdict if applies is True else False)
        if applies is False:
            continue  # the engine's test fails on the where part: no sub-result of it is needed
        # the whole condition (where and when), for a rule too long for the engine that gets it as one yes/no
        memo.setdefault(id(cr.condition), False if verdict is False else UNKNOWN if UNKNOWN in (applies, verdict) else True)
        for name, node in cr.compiled.synthetic:
            value = memo.get(id(node), UNKNOWN)
            if value is not UNKNOWN:
                out[name] = int(bool(value))
        for name, node in cr.compiled.computed:  # figures the engine compares but cannot compute
            value = memo.get(id(node), UNKNOWN)
            if value is UNKNOWN:
                value = evaluate(node, fact.fields, dims, rule_ctx, None, values)
            if value is not UNKNOWN:
                _encode_field(out, name, value, NUMERIC_DIM if isinstance(value, Num) else TEXT)
    if verdicts is not None and all(verdicts[(cr.rule.id, fact.fid)][0] is False for cr in active
                                    if cr.rule.kind == fact.kind):
        return None  # no rule applies to it: nothing for the engine to decide (and nothing to encode)
    # only the fields the compiled conditions read (long texts need not be serialised)
    for k, v in fact.fields.items():
        if v is not None and (wanted is None or k in wanted):
            _encode_field(out, k, v, dims.get(k, TEXT))
    return out


def rule_context(rule: Rule, ctx: Context) -> Context:
    return replace(ctx, tolerance=rule.tolerance) if rule.tolerance else ctx


# ---------------------------------------------------------------- messages


def display(value) -> str:
    if isinstance(value, Quantity):
        return _display_quantity(value)
    if isinstance(value, Num):
        return format_num(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _display_quantity(q: Quantity) -> str:
    places = min(q.places, 6)
    text = f"{q.value.quantize(Decimal(10) ** -places) if places else q.value.quantize(Decimal(1)):,}"
    if "." in text and q.unit == "万元":
        head, tail = text.split(".")
        tail = tail.rstrip("0").ljust(2, "0")
        text = f"{head}.{tail}"
    return f"{text}{q.unit}"


def _context_for(rule: Rule, fact: Fact, ctx: Context) -> dict:
    dims = KINDS[fact.kind].dims()
    values = {k: display(v) for k, v in fact.fields.items() if v is not None}
    written = {k: "" for k in dims}
    written.update({k: v.written for k, v in fact.fields.items() if isinstance(v, Quantity) and v.written})
    data = {name: values.get(name, "（未写明）") for name in dims}
    data.update(subject=fact.subject, written=written, rule_title=rule.title,
                profile={k: display(v) for k, v in ctx.params.items()})
    exp = evaluate(rule.expected, fact.fields, dims, ctx) if rule.expected else UNKNOWN
    act = evaluate(rule.actual, fact.fields, dims, ctx) if rule.actual else UNKNOWN
    data["expected"] = display(exp) if exp is not UNKNOWN else ""
    data["actual"] = display(act) if act is not UNKNOWN else ""
    if isinstance(exp, Num) and isinstance(act, Num):
        data["difference"] = format_num(Num(abs(exp.point - act.point), Decimal(0), exp.dim))
    else:
        data["difference"] = ""
    return data


_SPACE_NEAR_CJK = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”])\s+|\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”])")


@lru_cache(maxsize=512)
def _message_template(source: str):
    return _messages.from_string(source)  # compiling a template costs more than rendering it


def render_message(rule: Rule, data: dict) -> str:
    """Render the rule's message; folded YAML lines leave spaces that Chinese does not use."""
    try:
        return _SPACE_NEAR_CJK.sub("", _message_template(rule.message).render(**data)).strip()
    except UndefinedError as exc:
        return f"{rule.title}（提示模板引用了不存在的名称：{exc.message}）"


def _evidence(fact: Fact, names: set[str]) -> list[Evidence]:
    """The fact's quote, plus the quotes of the fields the rule used that it does not contain."""
    out = list(fact.evidence)
    for name in sorted(names):
        ev = fact.field_evidence.get(name)
        if ev and not any(ev.page == e.page and ev.text in e.text for e in out):
            out.append(ev)
    return out


# ---------------------------------------------------------------- evaluation


def evaluate_document(cpack: CompiledPack, facts: list[Fact], report_kind: str | None,
                      ctx: Context | None = None) -> Evaluation:
    ctx = ctx or cpack.ctx or Context()
    active = [cr for cr in cpack.rules
              if report_kind in cr.rule.report_kinds or (report_kind is None and set(cr.rule.report_kinds) == set(REPORT_KINDS))]
    facts = _read_as_meant(cpack, facts, active, ctx)
    verdicts: dict = {}
    rules_of: dict[str, list[CompiledRule]] = {}  # facts no active rule looks at are not asserted
    for cr in active:
        rules_of.setdefault(cr.rule.kind, []).append(cr)
    engine_facts = [ef for f in facts if f.kind in rules_of
                    if (ef := engine_fact(f, rules_of[f.kind], ctx, verdicts, cpack.engine_fields.get(f.kind))) is not None]
    active_ids = {cr.rule.id for cr in active}
    # one registered ruleset per pack (rulesets cannot be replaced); inactive rules are ignored
    fired = {hit for hit in engine.run(cpack.name, cpack.ruleset, engine_facts) if hit[0] in active_ids}
    by_kind: dict[str, list[Fact]] = {}
    for f in facts:
        by_kind.setdefault(f.kind, []).append(f)

    findings, summaries, diagnostics = [], [], []
    for cr in cpack.rules:
        rule = cr.rule
        if report_kind is None and set(rule.report_kinds) != set(REPORT_KINDS):
            findings.append(Finding(
                rule.id, "info", "全文",
                f"无法评估：未能从标题判断报告类型（部门整体 / 项目），而“{rule.title}”只适用于{'、'.join(rule.report_kinds)}报告。",
                [], rule.title, rule.basis, outcome="not-evaluable"))
            summaries.append(RuleSummary(rule.id, rule.title, rule.severity, "not-evaluable"))
            continue
        if rule.id not in active_ids:
            summaries.append(RuleSummary(rule.id, rule.title, rule.severity, "not-applicable"))
            continue
        rule_findings, checked, unknown = _judge(cr, by_kind.get(rule.kind, []), fired, ctx, diagnostics, verdicts)
        rule_findings = _collapse_misreadings(rule, _deduplicate(rule_findings), checked, rule_context(rule, ctx))
        if not by_kind.get(rule.kind):
            label = KINDS[rule.kind].label
            rule_findings.append(Finding(
                rule.id, "info", "全文", f"无法评估：报告中未找到{label}信息，未能检查“{rule.title}”。",
                [], rule.title, rule.basis, outcome="not-evaluable"))
            status = "not-evaluable"
        elif any(f.outcome == "fired" for f in rule_findings):
            status = "fired"
        elif checked:
            status = "passed"
        elif unknown:
            status = "not-evaluable"
        else:
            status = "not-applicable"
        findings.extend(rule_findings)
        summaries.append(RuleSummary(rule.id, rule.title, rule.severity, status, checked))
    findings = _not_a_report(findings)
    still_fired = {f.rule for f in findings if f.outcome == "fired"}
    for summary in summaries:  # the rule status table says what the findings say
        if summary.status == "fired" and summary.rule not in still_fired:
            summary.status = "not-evaluable"
    return Evaluation(findings, summaries, diagnostics, fired, facts)


def _read_as_meant(cpack: CompiledPack, facts: list[Fact], active: list[CompiledRule], ctx: Context) -> list[Fact]:
    """First the rules that decide how a figure is read (`reading: as-meant`, budget.unit-anomaly): the
    engine judges the amounts that could be meant in another unit, and those it finds are read as meant
    (derive.read_as_meant) before any rule runs — so the arithmetic rules see 2655.11万元, not 2655.11元,
    and report only what is wrong even as meant. The facts given are not changed."""
    reading = [cr for cr in active if cr.rule.reading == "as-meant"]
    kinds = {cr.rule.kind for cr in reading}
    candidates = [f for f in facts if f.kind in kinds and f.fields.get("meant_value") is not None]
    if not candidates:
        return facts
    rules_of: dict[str, list[CompiledRule]] = {}
    for cr in reading:
        rules_of.setdefault(cr.rule.kind, []).append(cr)
    engine_facts = [ef for f in candidates
                    if (ef := engine_fact(f, rules_of[f.kind], ctx, {}, cpack.engine_fields.get(f.kind))) is not None]
    ids = {cr.rule.id for cr in reading}
    found = {fid for rule_id, fid in engine.run(cpack.name, cpack.ruleset, engine_facts) if rule_id in ids}
    if not found:
        return facts
    from .derive import read_as_meant

    return read_as_meant(facts, found)


# ---------------------------------------------------------------- saying less when unsure

INFERRED_NOTE = "（该数字归属何处是按位置推断的，原文未见明确的标签或表头，故只作提示，请核对原文。）"
NOT_A_REPORT_RULE = "structure.looks-like-report"


def _param_number(ctx: Context, name: str, default: Decimal) -> Decimal:
    value = ctx.params.get(name)
    return value.point if isinstance(value, Num) else default


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding per rule, subject and figures: two readings of one statement are one problem."""
    seen, out = set(), []
    for f in findings:
        key = (f.rule, f.subject, f.message) if f.outcome == "fired" else id(f)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _collapse_misreadings(rule: Rule, findings: list[Finding], checked: int, ctx: Context) -> list[Finding]:
    """A rule that fires on many figures of one report has most likely misread them: one notice
    instead of N findings (the profile's misreading_min_findings and misreading_share)."""
    fired = [f for f in findings if f.outcome == "fired" and f.severity in ("error", "warning")]
    least = _param_number(ctx, "misreading_min_findings", Decimal(5))
    share = _param_number(ctx, "misreading_share", Decimal(50)) / 100
    if len(fired) < least or len(fired) < share * max(checked, 1):
        return findings
    subjects = "、".join(dict.fromkeys(f.subject for f in fired))
    evidence = [e for f in fired[:3] for e in f.evidence[:1]]
    notice = Finding(
        rule.id, "info", "全文",
        f"“{rule.title}”在本报告中有{len(fired)}处不符（共检查{checked}处），多半是这些数字未能一致读取，"
        f"因此不逐条列为问题，请人工核对：{subjects}。", evidence, rule.title, rule.basis)
    return [f for f in findings if f not in fired] + [notice]


def _not_a_report(findings: list[Finding]) -> list[Finding]:
    """A document that does not look like a self-evaluation report gets that warning, not arithmetic."""
    if not any(f.rule == NOT_A_REPORT_RULE and f.outcome == "fired" for f in findings):
        return findings
    out = []
    for f in findings:
        if f.outcome == "fired" and f.rule != NOT_A_REPORT_RULE:
            f = replace(f, severity="info", outcome="not-evaluable",
                        message=f"无法评估“{f.title}”：文件看起来不是绩效自评报告（未见预算、得分或报告章节），未作判断。")
        out.append(f)
    return out


def missing_fields(rule: Rule, fact: Fact, node=None) -> list[str]:
    """The absent fields that make the condition unknowable (a coalesce() fallback that
    was not needed, or a field guarded by exists, is not among them)."""
    from .rulebook.condition import And, Call, Compare, Field, In, Not, Or, _children

    dims = KINDS[rule.kind].dims()
    node = rule.when if node is None else node

    def causes(n) -> set[str]:
        if evaluate(n, fact.fields, dims) is not UNKNOWN:
            return set()
        if isinstance(n, Field):
            return {n.name}
        if isinstance(n, Call) and n.func == "coalesce":
            return set().union(*(causes(a) for a in n.args))
        return set().union(*(causes(c) for c in _children(n))) if _children(n) else set()

    return sorted(causes(node))


def _judge(cr: CompiledRule, facts: list[Fact], fired: set, ctx: Context, diagnostics: list[str],
           verdicts: dict | None = None):
    rule = cr.rule
    ctx = rule_context(rule, ctx)
    dims = KINDS[rule.kind].dims()
    findings, checked, unknown = [], 0, 0
    used = cr.used
    for fact in facts:
        if verdicts is not None and (rule.id, fact.fid) in verdicts:
            applies, verdict = verdicts[(rule.id, fact.fid)]
        else:
            applies = evaluate(rule.where, fact.fields, dims, ctx) if rule.where is not None else True
            verdict = evaluate(rule.when, fact.fields, dims, ctx) if applies is True else False
        engine_says = (rule.id, fact.fid) in fired
        if engine_says != (verdict is True):
            diagnostics.append(f"引擎与参考求值不一致：{rule.id} / {fact.subject}：引擎={engine_says}，参考={verdict}")
        if applies is UNKNOWN:  # cannot even tell whether the rule applies: say so
            unknown += 1
            missing = [field_label(rule.kind, n) for n in missing_fields(rule, fact, rule.where)]
            findings.append(Finding(
                rule.id, "info", fact.subject,
                f"无法评估“{rule.title}”：无法判断是否适用，报告中未写明{'、'.join(missing) or '所需数据'}。",
                list(fact.evidence), rule.title, rule.basis, outcome="not-evaluable"))
            continue
        if applies is not True:
            continue
        if verdict is UNKNOWN:
            unknown += 1
            missing = [field_label(rule.kind, n) for n in missing_fields(rule, fact)]
            findings.append(Finding(
                rule.id, "info", fact.subject,
                f"无法评估“{rule.title}”：报告中未写明{'、'.join(missing) or '所需数据'}。",
                list(fact.evidence), rule.title, rule.basis, outcome="not-evaluable"))
            continue
        checked += 1
        if engine_says:
            data = _context_for(rule, fact, ctx)
            severity, message = rule.severity, render_message(rule, data)
            if severity == "error" and fact.anchor == "inferred":
                severity, message = "warning", message + INFERRED_NOTE
            findings.append(Finding(
                rule.id, severity, fact.subject, message, _evidence(fact, used),
                rule.title, rule.basis, data["expected"] or None, data["actual"] or None, fix=rule.fix))
    return findings, checked, unknown
