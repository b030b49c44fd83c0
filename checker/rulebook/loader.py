"""Load and validate YAML rule packs, reporting every problem as file:line:column in Chinese.

A rule file holds `rules:`, a list of rules; each rule carries its own test cases. All
problems of all files are collected in one run, so a policy editor fixes them in one go.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jinja2 import TemplateSyntaxError, nodes as jinja_nodes
from jinja2.sandbox import SandboxedEnvironment

from .condition import ConditionSyntaxError, Node, check_types, parse
from .schema import KINDS

SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}
REPORT_KINDS = ("部门整体", "项目")
EXPECTS = ("fire", "pass", "not-evaluable")
RULE_KEYS = {
    "id": "规则编号，形如 area.name（如 execution.explanation-required）",
    "title": "规则标题（中文）",
    "severity": "严重程度：error / warning / info",
    "basis": "依据（文件名、文号和条款）",
    "applies_to": "适用对象：fact（事实类型）、report_kinds、where",
    "when": "触发条件",
    "message": "提示信息模板",
    "fix": "整改建议：被审单位应如何更正（审核意见书逐项列出）",
    "reading": "as-meant：本规则触发时，该金额按推断的单位重新理解，其他规则按重新理解后的数字检查",
    "expected": "应为（表达式）",
    "actual": "实为（表达式）",
    "tolerance": "额外容差（如 0.01万元、0.1%），在四舍五入误差之外再放宽 == / != 的比较",
    "tags": "标签",
    "enabled": "是否启用（true / false）",
    "tests": "测试用例",
    "description": "说明",
    "meta": "自定义附加信息",
}
READINGS = ("as-meant",)
READING_KINDS = ("amount",)
REQUIRED = ("id", "title", "severity", "basis", "applies_to", "when", "message")
MESSAGE_NAMES = {"subject", "expected", "actual", "difference", "written", "profile", "rule_title"}
APPLIES_KEYS = {"fact", "report_kinds", "where"}
TEST_KEYS = {"name", "facts", "expect", "report_kind", "message_contains"}
ID_RE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$")

_templates = SandboxedEnvironment(autoescape=False)


@dataclass
class RuleTest:
    name: str
    facts: dict
    expect: str
    report_kind: str | None
    message_contains: str | None
    line: int


@dataclass
class Rule:
    id: str
    title: str
    severity: str
    basis: str
    kind: str
    when: Node
    when_text: str
    message: str
    source: str
    line: int
    where: Node | None = None
    where_text: str = ""
    report_kinds: tuple[str, ...] = REPORT_KINDS
    expected: Node | None = None
    actual: Node | None = None
    tags: tuple[str, ...] = ()
    tolerance: dict = field(default_factory=dict)  # dimension -> Decimal
    enabled: bool = True
    description: str = ""
    fix: str = ""  # 整改建议 shown with each finding
    reading: str = ""  # "as-meant": where it fires, the amount is read as meant before the other rules run
    tests: list[RuleTest] = field(default_factory=list)


@dataclass
class Pack:
    rules: list[Rule]
    files: list[Path]
    digest: str  # names the durable_rules ruleset: registered rulesets cannot be replaced

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass
class Problem:
    file: str
    line: int
    column: int
    message: str
    excerpt: str = ""
    caret: int = 0

    def __str__(self) -> str:
        out = f"{self.file}:{self.line}:{self.column}: 错误：{self.message}"
        if self.excerpt:
            out += f"\n    {self.excerpt}\n    {' ' * self.caret}^"
        return out


class _Collector:
    def __init__(self, path: Path, text: str, params: dict[str, str] | None = None):
        self.path, self.lines = path, text.splitlines()
        self.problems: list[Problem] = []
        self.params = params or {}

    def add(self, node_or_mark, message: str, col_offset: int = 0, line_offset: int = 0, caret_text: str | None = None):
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        line = mark.line + 1 + line_offset
        column = mark.column + 1 + col_offset
        excerpt = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.problems.append(Problem(str(self.path), line, column, message, excerpt.rstrip(), column - 1))


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"是否想写“{close[0]}”？" if close else ""


def _scalar(node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping(node) -> dict:
    """Mapping node -> {key: (key_node, value_node)} keeping positions."""
    return {k.value: (k, v) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def _param_dims(profile) -> dict[str, str]:
    """Settings rules may use: those of the profile the pack is validated for (a name, a .yaml path
    or a loaded Profile; every profile has at least the national one's). A profile that cannot be
    loaded raises its own ProfileError (which file, what is wrong), not one error per `profile.x`."""
    from ..profile import Profile, load_profile

    return (profile if isinstance(profile, Profile) else load_profile(profile)).param_dims()


def _parse_condition(col: _Collector, node, what: str, dims: dict[str, str], expect_bool=True) -> Node | None:
    text = _scalar(node)
    if text is None or not text.strip():
        col.add(node, f"{what}应为一行条件文字，例如：rate_stated < 95% and missing explanation")
        return None
    try:
        ast = parse(text)
    except ConditionSyntaxError as exc:
        _report_in_scalar(col, node, text, exc.line, exc.column, f"{what}无法解析：{exc.message}")
        return None
    for problem in check_types(ast, dims, expect_bool=expect_bool, params=col.params):
        _report_in_scalar(col, node, text, problem.line, problem.column, f"{what}：{problem.message}")
    return ast


def _report_in_scalar(col: _Collector, node, text: str, line: int, column: int, message: str) -> None:
    """Point at the spot inside the YAML scalar (plain, quoted or block)."""
    if node.style in ("|", ">"):
        col.add(node, message, col_offset=column - 1 + _block_indent(col, node) - node.start_mark.column, line_offset=line)
    else:
        quote = 1 if node.style in ("'", '"') else 0
        col.add(node, message, col_offset=column - 1 + quote)


def _block_indent(col: _Collector, node) -> int:
    idx = node.start_mark.line + 1
    if idx < len(col.lines):
        body = col.lines[idx]
        return len(body) - len(body.lstrip())
    return node.start_mark.column


def _load_tests(col: _Collector, node, dims: dict[str, str]) -> list[RuleTest]:
    from ..extract.numbers import parse_value  # test facts are written like report figures

    tests = []
    if not isinstance(node, yaml.SequenceNode):
        col.add(node, "tests 应为测试用例列表（每项含 facts 和 expect）")
        return tests
    for i, case in enumerate(node.value, 1):
        items = _mapping(case)
        for key, (knode, _) in items.items():
            if key not in TEST_KEYS:
                col.add(knode, f"测试用例中未知的键“{key}”。{_did_you_mean(key, TEST_KEYS)}可用：{'、'.join(sorted(TEST_KEYS))}")
        if "expect" not in items or "facts" not in items:
            col.add(case, "测试用例需要 facts（输入事实）和 expect（fire / pass / not-evaluable）")
            continue
        expect = _scalar(items["expect"][1])
        if expect not in EXPECTS:
            col.add(items["expect"][1], f"expect 应为 fire（触发）、pass（通过）或 not-evaluable（无法评估），不是“{expect}”")
            continue
        facts = {}
        for key, (knode, vnode) in _mapping(items["facts"][1]).items():
            if key not in dims:
                col.add(knode, f"测试事实中的未知字段“{key}”。{_did_you_mean(key, dims)}")
                continue
            raw = _construct(vnode) if not isinstance(vnode, yaml.ScalarNode) else vnode.value
            value = _test_value(raw, dims[key], vnode)
            if value is None:
                col.add(vnode, f"字段“{key}”的值“{raw}”无法识别；金额请写单位（如 358万元），比率写 %（如 92.09%）")
                continue
            facts[key] = value
        name = _scalar(items.get("name", (None, None))[1]) if "name" in items else f"用例{i}"
        rk = _scalar(items["report_kind"][1]) if "report_kind" in items else None
        mc = _scalar(items["message_contains"][1]) if "message_contains" in items else None
        tests.append(RuleTest(name or f"用例{i}", facts, expect, rk, mc, case.start_mark.line + 1))
    return tests


def _test_value(raw, dim: str, vnode):
    from ..extract.numbers import parse_value

    if dim == "bool":
        return {"true": True, "false": False, "是": True, "否": False}.get(str(raw).lower())
    if dim == "text":
        return str(raw)
    q = parse_value(str(raw))
    if q is None:
        return None
    if dim == "money" and q.unit != "万元":
        return None  # a bare number could be 元 or 万元: the unit must be written
    if dim == "percent" and q.unit == "":
        q = type(q)(q.value, q.places, "%", q.written + "%")
    return q


def _load_rule(col: _Collector, node, seen: dict[str, str]) -> Rule | None:
    items = _mapping(node)
    if not items:
        col.add(node, "每条规则应是一组“键: 值”（id、title、severity、basis、applies_to、when、message …）")
        return None
    ok = True
    for key, (knode, _) in items.items():
        if key not in RULE_KEYS and not key.startswith("x-"):
            col.add(knode, f"未知的键“{key}”。{_did_you_mean(key, RULE_KEYS)}规则可用的键：{'、'.join(RULE_KEYS)}")
            ok = False
    for key in REQUIRED:
        if key not in items:
            col.add(node, f"缺少必填项“{key}”（{RULE_KEYS[key]}）")
            ok = False
    if not ok and "id" not in items:
        return None
    rule_id = _scalar(items["id"][1]) if "id" in items else ""
    if "id" in items:
        if not rule_id or not ID_RE.match(rule_id):
            col.add(items["id"][1], f"规则编号“{rule_id}”格式不对：应为“领域.名称”，小写字母和连字符，如 budget.unit-anomaly")
            ok = False
        elif rule_id in seen:
            col.add(items["id"][1], f"规则编号“{rule_id}”重复：已在 {seen[rule_id]} 定义。每条规则的编号必须唯一")
            ok = False
        else:
            seen[rule_id] = f"{col.path}:{items['id'][1].start_mark.line + 1}"
    severity = _scalar(items["severity"][1]) if "severity" in items else None
    if "severity" in items and severity not in SEVERITIES:
        col.add(items["severity"][1], f"severity 应为 error（错误）、warning（警告）或 info（提示），不是“{severity}”。{_did_you_mean(str(severity), SEVERITIES)}")
        ok = False
    kind, where, where_text, report_kinds = None, None, "", REPORT_KINDS
    if "applies_to" in items:
        app = _mapping(items["applies_to"][1])
        for key, (knode, _) in app.items():
            if key not in APPLIES_KEYS:
                col.add(knode, f"applies_to 中未知的键“{key}”。{_did_you_mean(key, APPLIES_KEYS)}可用：fact、report_kinds、where")
                ok = False
        kind = _scalar(app["fact"][1]) if "fact" in app else None
        if kind not in KINDS:
            target = app["fact"][1] if "fact" in app else items["applies_to"][1]
            col.add(target, f"applies_to.fact 应为事实类型之一：{'、'.join(KINDS)}。{_did_you_mean(str(kind), KINDS)}")
            ok, kind = False, None
        if "report_kinds" in app:
            rk_node = app["report_kinds"][1]
            values = [n.value for n in rk_node.value] if isinstance(rk_node, yaml.SequenceNode) else [_scalar(rk_node)]
            bad = [v for v in values if v not in REPORT_KINDS]
            if bad:
                col.add(rk_node, f"report_kinds 只能是：{'、'.join(REPORT_KINDS)}（不是“{'、'.join(map(str, bad))}”）")
                ok = False
            report_kinds = tuple(v for v in values if v in REPORT_KINDS)
        if kind and "where" in app:
            where_text = _scalar(app["where"][1]) or ""
            where = _parse_condition(col, app["where"][1], "适用条件（where）", KINDS[kind].dims())
            ok = ok and where is not None
    when = expected = actual = None
    when_text = ""
    if kind and "when" in items:
        dims = KINDS[kind].dims()
        when_text = _scalar(items["when"][1]) or ""
        when = _parse_condition(col, items["when"][1], "触发条件（when）", dims)
        for key in ("expected", "actual"):
            if key in items:
                parsed = _parse_condition(col, items[key][1], f"{key} ", dims, expect_bool=False)
                if key == "expected":
                    expected = parsed
                else:
                    actual = parsed
    message = _scalar(items["message"][1]) if "message" in items else ""
    if "message" in items:
        try:
            parsed = _templates.parse(message or "")
        except TemplateSyntaxError as exc:
            col.add(items["message"][1], f"message 模板有误：{exc.message}（模板写法：{{{{ 字段名 }}}}）", line_offset=0)
            ok = False
        else:
            from jinja2 import meta as jinja_meta

            names = KINDS[kind].dims().keys() if kind else []
            allowed = set(names) | MESSAGE_NAMES
            for name in sorted(jinja_meta.find_undeclared_variables(parsed) - allowed):
                col.add(items["message"][1], f"message 引用了不存在的名称“{name}”。{_did_you_mean(name, allowed)}"
                        f"可用：字段名、{'、'.join(sorted(MESSAGE_NAMES))}")
                ok = False
            members = {"written": set(names), "profile": set(col.params)}
            for access in parsed.find_all(jinja_nodes.Getattr):
                if isinstance(access.node, jinja_nodes.Name) and access.node.name in members:
                    known = members[access.node.name]
                    if access.attr not in known:
                        col.add(items["message"][1], f"message 引用了不存在的“{access.node.name}.{access.attr}”。"
                                f"{_did_you_mean(access.attr, known)}可用：{'、'.join(sorted(known))}")
                        ok = False
    enabled = True
    if "enabled" in items:
        raw = _scalar(items["enabled"][1])
        if raw not in ("true", "false", "True", "False", "yes", "no"):
            col.add(items["enabled"][1], f"enabled 应为 true 或 false，不是“{raw}”")
            ok = False
        enabled = raw in ("true", "True", "yes")
    tests = _load_tests(col, items["tests"][1], KINDS[kind].dims()) if kind and "tests" in items else []
    reading = _scalar(items["reading"][1]) if "reading" in items else ""
    if reading not in ("", *READINGS):
        col.add(items["reading"][1], f"reading 只能是 {' / '.join(READINGS)}，不是“{reading}”")
        ok = False
    elif reading and kind not in READING_KINDS:
        col.add(items["reading"][1], f"reading 只适用于 {'、'.join(READING_KINDS)} 事实（金额读作何意），本规则检查的是 {kind}")
        ok = False
    if not ok or when is None:
        return None
    tolerance = _tolerance(col, items["tolerance"][1]) if "tolerance" in items else {}
    if tolerance is None:
        return None
    tags_node = items.get("tags", (None, None))[1]
    tags = tuple(n.value for n in tags_node.value) if isinstance(tags_node, yaml.SequenceNode) else ()
    return Rule(
        id=rule_id, title=_tidy(_scalar(items["title"][1]) or ""), severity=severity,
        basis=_tidy(_scalar(items["basis"][1]) or ""),
        kind=kind, when=when, when_text=when_text, message=message or "", source=str(col.path),
        line=node.start_mark.line + 1, where=where, where_text=where_text, report_kinds=report_kinds,
        expected=expected, actual=actual, tags=tags, tolerance=tolerance, enabled=enabled,
        description=_scalar(items["description"][1]) or "" if "description" in items else "", tests=tests,
        fix=_scalar(items["fix"][1]) or "" if "fix" in items else "",
        reading=reading or "",
    )


def _tolerance(col: _Collector, node) -> dict | None:
    from .condition import parse_quantity_literal

    values = [n.value for n in node.value] if isinstance(node, yaml.SequenceNode) else [_scalar(node)]
    out = {}
    for raw in values:
        try:
            num = parse_quantity_literal(str(raw).strip())
        except Exception:
            num = None
        if num is None or num.dim == "number":
            col.add(node, f"tolerance 应写成带单位的数，如 0.01万元、0.1%、0.5分，不是“{raw}”（没有单位就不知道放宽哪一类比较）")
            return None
        out[num.dim] = num.point
    return out


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def _tidy(text: str) -> str:
    """Folded YAML lines leave a space between two Chinese characters; Chinese uses none.
    Spaces next to Latin text (profile.x, ÷) are the author's and stay."""
    return _SPACE_BETWEEN_CJK.sub("", text).strip()


_YAML_HINTS = [
    ("could not find expected ':'", "缺少冒号“:”，或冒号后缺空格（错误可能在上一行）"),
    ("mapping values are not allowed here", "此处不能写“键: 值”（常见原因：冒号后缺空格、值里有冒号需要加引号、缩进不对）"),
    ("that cannot start any token", "有不能出现在开头的字符（常见：用了 Tab 缩进，请改用空格）"),
    ("did not find expected key", "缩进不一致，或列表项“- ”的位置不对"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("did not find expected '-' indicator", "列表项应以“- ”开头，缩进要一致"),
    ("expected <block end>", "缩进不一致：同一层的键要对齐（常见：某行少缩进或多缩进了一格）"),
    ("found duplicate anchor", "重复的锚点“&”"),
]


def _yaml_problem(exc) -> str:
    problem = str(getattr(exc, "problem", exc))
    for key, hint in _YAML_HINTS:
        if key in problem:
            return f"{hint}（YAML：{problem}）"
    return f"{problem}（常见原因：缩进不一致、冒号后缺空格、引号未闭合）"


def rule_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*.y*ml") if f.suffix in (".yaml", ".yml") and not f.name.startswith(".")))
        else:
            files.append(p)
    return files


_CLoader = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it


def _compose(text: str):
    """The node tree of a rule file, with line/column marks. libyaml's parser is an order of
    magnitude faster than PyYAML's pure-Python one (which was most of reading a pack); for a
    file it rejects, PyYAML's parser runs again so the error and its position read as always."""
    if _CLoader is not None:
        try:
            return yaml.compose(text, Loader=_CLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text)


def _construct(node):
    """Python value of a YAML node (what safe_load of that node's text gives)."""
    return yaml.SafeLoader("").construct_document(node)


def load_pack(paths: list[Path], profile="national") -> tuple[Pack, list[Problem]]:
    """Load every rule file under `paths`, checking `profile.x` names against `profile` (see
    _param_dims; raises ProfileError when it cannot be loaded). Returns the pack and all problems."""
    problems: list[Problem] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    files = rule_files(paths)
    params = _param_dims(profile)
    digest = hashlib.sha256()
    for path in files:
        if not path.exists():
            problems.append(Problem(str(path), 1, 1, "规则文件或目录不存在"))
            continue
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode())
        col = _Collector(path, text, params)
        try:
            root = _compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            excerpt = col.lines[line - 1] if 0 < line <= len(col.lines) else ""
            problems.append(Problem(str(path), line, column, f"YAML 格式错误：{_yaml_problem(exc)}", excerpt, column - 1))
            continue
        rule_nodes = _mapping(root).get("rules", (None, None))[1]
        if not isinstance(rule_nodes, yaml.SequenceNode):
            problems.append(Problem(str(path), 1, 1, "规则文件应以 “rules:” 开头，下面是规则列表（每条以 “- id:” 开始）"))
            continue
        for key, (knode, _) in _mapping(root).items():
            if key != "rules":
                col.add(knode, f"文件顶层只能有 rules，不认识“{key}”")
        for rule_node in rule_nodes.value:
            rule = _load_rule(col, rule_node, seen)
            if rule is not None:
                rules.append(rule)
        problems.extend(col.problems)
    if not files:
        problems.append(Problem(", ".join(map(str, paths)), 1, 1, "没有找到任何规则文件（*.yaml）"))
    return Pack(rules, files, digest.hexdigest()[:12]), problems
