"""The condition language: parse (lark) -> AST -> type check -> reference evaluation.

Nothing is ever eval'd. The same AST is compiled into durable_rules JSON (compiler.py);
this module's evaluator is the reference the engine is tested against, and the source of
"not evaluable" (three-valued logic: a comparison on a missing field is UNKNOWN).

Numbers are intervals: a figure written to n decimals stands for value ± half a unit of
its last place, and arithmetic carries that tolerance along, so `a + b != c` is true only
when rounding cannot explain the difference.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from decimal import Decimal, InvalidOperation, ROUND_CEILING, ROUND_HALF_EVEN, ROUND_HALF_UP
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..model import Quantity

# ---------------------------------------------------------------- values


class _Unknown:
    """Third truth value: the fact needed to decide is absent."""

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # guard against accidental truthiness
        raise TypeError("UNKNOWN has no truth value")


UNKNOWN = _Unknown()

MONEY, PERCENT, COUNT, SCORE, NUMBER, TEXT, BOOL = "money", "percent", "count", "score", "number", "text", "bool"
NUMERIC = {MONEY, PERCENT, COUNT, SCORE, NUMBER}
DIM_NAMES = {MONEY: "金额", PERCENT: "百分比", COUNT: "个数", SCORE: "分值", NUMBER: "数值", TEXT: "文字", BOOL: "是/否"}


@dataclass(frozen=True)
class Num:
    """A number with its rounding half-width and dimension."""

    point: Decimal
    half: Decimal
    dim: str

    @classmethod
    def of(cls, q: Quantity, dim: str) -> "Num":
        # counts are exact; whole-number scores are exact points; rates and money
        # carry the rounding of the precision they are written to
        exact = dim == COUNT or (dim == SCORE and q.places == 0)
        return cls(q.value, Decimal(0) if exact else q.half_ulp, dim)

    def __str__(self) -> str:
        return str(self.point.normalize()) if self.point == self.point.to_integral() else str(self.point)


# Computed values (a product, a quotient, a percentage) are settled to this quantum, the point rounded and its
# half-width rounded up: the engine receives numbers as integers in this unit (compiler.SCALE), so both
# evaluators compare exactly the same figures, even at the edge of the rounding tolerance.
QUANTUM = Decimal("1e-8")


def settle(v: "Num") -> "Num":
    if not v.half.is_finite():
        return Num(v.point.quantize(QUANTUM, rounding=ROUND_HALF_EVEN), v.half, v.dim)
    return Num(v.point.quantize(QUANTUM, rounding=ROUND_HALF_EVEN), v.half.quantize(QUANTUM, rounding=ROUND_CEILING),
               v.dim)


def num_equal(a: Num, b: Num) -> bool:
    return abs(a.point - b.point) <= a.half + b.half


# ---------------------------------------------------------------- AST


@dataclass(frozen=True)
class Node:
    line: int = dc_field(default=1, compare=False)
    column: int = dc_field(default=1, compare=False)


@dataclass(frozen=True)
class Field(Node):
    name: str = ""


@dataclass(frozen=True)
class Param(Node):
    """A setting of the locality profile (profile.explanation_threshold)."""

    name: str = ""


@dataclass(frozen=True)
class Literal(Node):
    value: Any = None  # Num | str | bool


@dataclass(frozen=True)
class Arith(Node):
    op: str = "+"
    left: Node = None
    right: Node = None


@dataclass(frozen=True)
class Neg(Node):
    operand: Node = None


@dataclass(frozen=True)
class Call(Node):
    func: str = ""
    args: tuple = ()


@dataclass(frozen=True)
class Compare(Node):
    op: str = "=="
    left: Node = None
    right: Node = None


@dataclass(frozen=True)
class In(Node):
    operand: Node = None
    options: tuple = ()
    negated: bool = False


@dataclass(frozen=True)
class And(Node):
    items: tuple = ()


@dataclass(frozen=True)
class Or(Node):
    items: tuple = ()


@dataclass(frozen=True)
class Not(Node):
    operand: Node = None


@dataclass(frozen=True)
class Exists(Node):
    name: str = ""
    present: bool = True  # False for `missing`


# ---------------------------------------------------------------- parsing


class ConditionSyntaxError(ValueError):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


_OPS = {"≤": "<=", "≥": ">=", "≠": "!=", "=": "==", "×": "*", "÷": "/"}

UNIT_DIMS = {"%": PERCENT, "万元": MONEY, "元": MONEY, "亿元": MONEY, "分": SCORE, "个": COUNT, "": NUMBER}
UNIT_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}


def parse_quantity_literal(text: str) -> Num:
    """`95%` -> percent 95; `0.005万元` -> money in 万元; `300元` -> 0.03 万元; `20分`; `12`."""
    unit = next((u for u in ("万元", "亿元", "元", "%", "分", "个") if text.endswith(u)), "")
    number = Decimal(text[: len(text) - len(unit)] if unit else text)
    dim = UNIT_DIMS[unit]
    if dim == MONEY:
        number *= UNIT_TO_WAN[unit]
    return Num(number, Decimal(0), dim)


def _pos(meta_or_token) -> dict:
    line = getattr(meta_or_token, "line", 1) or 1
    column = getattr(meta_or_token, "column", 1) or 1
    return {"line": line, "column": column}


@v_args(meta=True)
class _ToAst(Transformer):
    def number(self, meta, children):
        tok = children[0]
        return Literal(value=parse_quantity_literal(str(tok)), **_pos(tok))

    def string(self, meta, children):
        tok = children[0]
        return Literal(value=str(tok)[1:-1], **_pos(tok))

    def true(self, meta, children):
        return Literal(value=True, **_pos(meta))

    def false(self, meta, children):
        return Literal(value=False, **_pos(meta))

    def field(self, meta, children):
        return Field(name=str(children[0]), **_pos(children[0]))

    def param(self, meta, children):
        return Param(name=str(children[0]).split(".", 1)[1], **_pos(children[0]))

    def exists(self, meta, children):
        return Exists(name=str(children[0]), present=True, **_pos(meta))

    def missing(self, meta, children):
        return Exists(name=str(children[0]), present=False, **_pos(meta))

    def call(self, meta, children):
        name, *args = children
        args = tuple(a for a in args if a is not None)
        return Call(func=str(name), args=args, **_pos(name))

    def neg(self, meta, children):
        return Neg(operand=children[0], **_pos(meta))

    def sum(self, meta, children):
        return self._fold(children)

    product = sum

    def _fold(self, children):
        node = children[0]
        for op, right in zip(children[1::2], children[2::2]):
            node = Arith(op=_OPS.get(str(op), str(op)), left=node, right=right, line=node.line, column=node.column)
        return node

    def compare(self, meta, children):
        left, op, right = children
        return Compare(op=_OPS.get(str(op), str(op)), left=left, right=right, **_pos(op))

    def list(self, meta, children):
        return tuple(c for c in children if c is not None)

    def in_(self, meta, children):
        return In(operand=children[0], options=children[1], **_pos(meta))

    def not_in(self, meta, children):
        return In(operand=children[0], options=children[1], negated=True, **_pos(meta))

    def and_expr(self, meta, children):
        return And(items=tuple(children), **_pos(meta))

    def or_expr(self, meta, children):
        return Or(items=tuple(children), **_pos(meta))

    def not_(self, meta, children):
        return Not(operand=children[0], **_pos(meta))


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (Path(__file__).with_name("grammar.lark")).read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True, cache=_grammar_cache())


def _grammar_cache() -> str | bool:
    """lark's own cache of the analysed grammar (LALR tables), in perfcheck's per-user cache folder
    rather than lark's default of the shared temp directory: building the tables is most of the
    first condition parse in every `check` run. lark checks the grammar's hash before using it."""
    from ..resources import cache_dir

    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / "condition-grammar.lark-cache")
    except OSError:
        return False


_TOKEN_NAMES = {
    "FIELD": "字段名", "QUANTITY": "数值（如 95% 或 0.005万元）", "STRING": "文字（加引号）",
    "PARAM": "配置参数（profile.…）", "COMPARE": "比较符（< <= > >= == !=）", "_AND": "and", "_OR": "or",
    "_NOT": "not", "_IN": "in", "ADDOP": "+ 或 -", "MULOP": "* 或 /", "MINUS": "负号 -", "LPAR": "左括号 (",
    "RPAR": "右括号 )", "LSQB": "[", "RSQB": "]", "COMMA": "逗号 ,", "$END": "条件结尾",
    "_EXISTS": "exists", "_MISSING": "missing", "_TRUE": "true", "_FALSE": "false",
}
_ORDER = list(_TOKEN_NAMES)


def _expected_text(expected) -> str:
    """Most useful alternatives first (a value or field before keywords and brackets)."""
    known = sorted((e for e in expected if e in _TOKEN_NAMES), key=_ORDER.index)
    names = list(dict.fromkeys(_TOKEN_NAMES[e] for e in known))
    return "、".join(names[:6]) or "、".join(sorted(expected))[:60]


@lru_cache(maxsize=512)
def parse(text: str) -> Node:
    """Parse a condition; raise ConditionSyntaxError with a 1-based line/column."""
    if not text or not str(text).strip():
        raise ConditionSyntaxError("条件为空。请写出触发条件，例如：rate < 95% and missing explanation", 1, 1)
    try:
        tree = _parser().parse(str(text))
    except UnexpectedCharacters as exc:
        raise ConditionSyntaxError(f"无法识别的字符“{exc.char}”", exc.line, exc.column) from None
    except UnexpectedEOF as exc:
        raise ConditionSyntaxError(f"条件不完整，末尾缺少：{_expected_text(exc.expected)}", 1, len(str(text)) + 1) from None
    except UnexpectedToken as exc:
        tok = exc.token
        if tok.type == "$END":
            raise ConditionSyntaxError(
                f"条件不完整，末尾缺少：{_expected_text(exc.expected)}", 1, len(str(text).rstrip()) + 1
            ) from None
        raise ConditionSyntaxError(
            f"此处不应出现“{tok}”，应为：{_expected_text(exc.expected)}", tok.line, tok.column
        ) from None
    except UnexpectedInput as exc:  # pragma: no cover - other lark errors
        raise ConditionSyntaxError(str(exc), getattr(exc, "line", 1), getattr(exc, "column", 1)) from None
    return _ToAst().transform(tree)


# ---------------------------------------------------------------- functions


@dataclass(frozen=True)
class Function:
    name: str
    arity: tuple[int, int]
    doc: str
    result: Callable[[list[str]], str | None]  # arg dims -> result dim (None: type error)
    impl: Callable[..., Any]


def _pct(a: Num, b: Num) -> Any:
    if b.point == 0:
        return UNKNOWN
    q = _div(a, b)
    return settle(Num(q.point * 100, q.half * 100, PERCENT))


def _div(a: Num, b: Num) -> Num:
    if b.point == 0:
        raise ZeroDivisionError
    point = a.point / b.point
    denom = abs(b.point) - b.half
    if denom <= 0:
        return Num(point, Decimal("Infinity"), NUMBER)
    half = (a.half * abs(b.point) + b.half * abs(a.point)) / (abs(b.point) * denom)
    return Num(point, half, NUMBER)


def _grade_band(score: Num, bands: list[tuple[Decimal, str]]) -> str:
    for lower, grade in bands:
        if score.point >= lower:
            return grade
    return bands[-1][1]


def _contains(text: str, part: str) -> bool:
    return part in text


def _same_dim(dims):
    return dims[0] if len(set(dims)) == 1 and dims[0] in NUMERIC else None


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in [
        Function("pct", (2, 2), "pct(a, b)：a 占 b 的百分比（a ÷ b × 100%），含四舍五入容差",
                 lambda d: PERCENT if d[0] == d[1] and d[0] in NUMERIC else None, _pct),
        Function("abs", (1, 1), "abs(x)：绝对值", lambda d: d[0] if d[0] in NUMERIC else None,
                 lambda a: Num(abs(a.point), a.half, a.dim)),
        Function("min", (2, 9), "min(a, b, …)：最小值", _same_dim, lambda *a: min(a, key=lambda n: n.point)),
        Function("max", (2, 9), "max(a, b, …)：最大值", _same_dim, lambda *a: max(a, key=lambda n: n.point)),
        Function("coalesce", (2, 9), "coalesce(a, b, …)：第一个报告中写明的值（如：调整后预算，没有则用年初预算）",
                 lambda d: d[0] if len(set(d)) == 1 else None, None),
        Function("grade_band", (1, 1), "grade_band(score)：按等级区间（优/良/中/差）由分数推出的等级",
                 lambda d: TEXT if d[0] in (SCORE, NUMBER) else None, None),
        Function("contains", (2, 2), "contains(text, \"词\")：文字中含有该词",
                 lambda d: BOOL if d == [TEXT, TEXT] else None, _contains),
    ]
}


# ---------------------------------------------------------------- type checking


@dataclass
class TypeProblem:
    message: str
    line: int
    column: int


def field_names(node: Node, include_exists: bool = True) -> set[str]:
    """Fields a condition reads; with include_exists=False only those whose value it uses."""
    out: set[str] = set()

    def walk(n):
        if isinstance(n, Field):
            out.add(n.name)
        elif isinstance(n, Exists) and include_exists:
            out.add(n.name)
        for child in _children(n):
            walk(child)

    walk(node)
    return out


def _children(n: Node) -> tuple:
    if isinstance(n, (Arith, Compare)):
        return (n.left, n.right)
    if isinstance(n, (Neg, Not)):
        return (n.operand,)
    if isinstance(n, In):
        return (n.operand,) + tuple(n.options)
    if isinstance(n, (And, Or)):
        return n.items
    if isinstance(n, Call):
        return n.args
    return ()


def literal_dim(v) -> str:
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, Num):
        return v.dim
    return TEXT


def check_types(node: Node, fields: dict[str, str], expect_bool: bool = True,
                params: dict[str, str] | None = None) -> list[TypeProblem]:
    """Type-check against `fields` (name -> dim) and profile `params`. Returns problems."""
    problems: list[TypeProblem] = []
    params = params if params is not None else {}

    def bad(n: Node, msg: str) -> None:
        problems.append(TypeProblem(msg, n.line, n.column))

    def unknown_field(n: Node, name: str) -> None:
        import difflib

        close = difflib.get_close_matches(name, list(fields), n=3, cutoff=0.5)
        hint = f"是否想写：{'、'.join(close)}？" if close else ""
        bad(n, f"未知字段“{name}”。{hint}可用字段：{'、'.join(sorted(fields))}")

    def dim(n: Node) -> str | None:
        if isinstance(n, Literal):
            return literal_dim(n.value)
        if isinstance(n, Field):
            if n.name not in fields:
                unknown_field(n, n.name)
                return None
            return fields[n.name]
        if isinstance(n, Param):
            if n.name not in params:
                import difflib

                close = difflib.get_close_matches(n.name, list(params), n=2, cutoff=0.5)
                hint = f"是否想写：{'、'.join('profile.' + c for c in close)}？" if close else ""
                bad(n, f"配置中没有参数“profile.{n.name}”。{hint}可用参数：{'、'.join('profile.' + p for p in sorted(params))}")
                return None
            return params[n.name]
        if isinstance(n, Exists):
            if n.name not in fields:
                unknown_field(n, n.name)
            return BOOL
        if isinstance(n, Neg):
            d = dim(n.operand)
            if d is not None and d not in NUMERIC:
                bad(n, f"负号只能用于数值，这里是{DIM_NAMES.get(d, d)}")
            return d
        if isinstance(n, Arith):
            a, b = dim(n.left), dim(n.right)
            if a is None or b is None:
                return None
            if a not in NUMERIC or b not in NUMERIC:
                bad(n, f"“{n.op}”只能用于数值")
                return None
            if n.op in "+-":
                if a != b and NUMBER not in (a, b):
                    bad(n, f"不能把{DIM_NAMES[a]}和{DIM_NAMES[b]}相加减")
                    return None
                return a if a != NUMBER else b
            if n.op == "*":
                return a if b == NUMBER else b if a == NUMBER else (bad(n, "两个带单位的数不能相乘") or None)
            return NUMBER if a == b else a if b == NUMBER else (bad(n, f"不能用{DIM_NAMES[b]}去除{DIM_NAMES[a]}") or None)
        if isinstance(n, Call):
            fn = FUNCTIONS.get(n.func)
            if fn is None:
                bad(n, f"未知函数“{n.func}”。可用函数：{'、'.join(sorted(FUNCTIONS))}")
                return None
            lo, hi = fn.arity
            if not lo <= len(n.args) <= hi:
                bad(n, f"函数 {n.func} 需要 {lo}{'' if lo == hi else f'–{hi}'} 个参数，这里有 {len(n.args)} 个")
                return None
            dims = [dim(a) for a in n.args]
            if any(d is None for d in dims):
                return None
            result = fn.result(dims)
            if result is None:
                bad(n, f"函数 {n.func} 的参数类型不对（{fn.doc}）")
            return result
        if isinstance(n, Compare):
            a, b = dim(n.left), dim(n.right)
            if a is None or b is None:
                return BOOL
            if n.op not in ("==", "!=") and (a not in NUMERIC or b not in NUMERIC):
                bad(n, f"“{n.op}”只能比较数值")
            elif a != b and not (a in NUMERIC and b in NUMERIC and NUMBER in (a, b)):
                bad(n, f"不能比较{DIM_NAMES.get(a, a)}和{DIM_NAMES.get(b, b)}")
            return BOOL
        if isinstance(n, In):
            d = dim(n.operand)
            for opt in n.options:
                od = dim(opt)
                if d is not None and od is not None and od != d and not (d in NUMERIC and od == NUMBER):
                    bad(opt, f"列表中的值应为{DIM_NAMES.get(d, d)}")
            return BOOL
        if isinstance(n, (And, Or)):
            for item in n.items:
                d = dim(item)
                if d not in (BOOL, None):
                    bad(item, "and/or 两边都应是条件（比较、exists/missing 或是/否字段）")
            return BOOL
        if isinstance(n, Not):
            d = dim(n.operand)
            if d not in (BOOL, None):
                bad(n, "not 后面应是条件")
            return BOOL
        raise TypeError(n)  # pragma: no cover

    result = dim(node)
    if expect_bool and result not in (BOOL, None):
        bad(node, f"条件的结果应为“是/否”，这里是{DIM_NAMES.get(result, result)}。是否漏写了比较（如 < 95%）？")
    return problems


# ---------------------------------------------------------------- reference evaluation


@dataclass
class Context:
    """What an expression may read besides the fact: profile settings (grade bands)."""

    grade_bands: list[tuple[Decimal, str]] = dc_field(
        default_factory=lambda: [(Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差")]
    )
    # extra tolerance a rule grants on == / != beyond the rounding of the figures, per dimension
    tolerance: dict[str, Decimal] = dc_field(default_factory=dict)
    params: dict[str, Any] = dc_field(default_factory=dict)  # profile settings: name -> Num | str


def to_value(raw: Any, dim: str):
    """Fact field -> evaluator value."""
    if raw is None:
        return UNKNOWN
    if isinstance(raw, Quantity):
        return Num.of(raw, dim)
    if dim in NUMERIC and isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        return Num(Decimal(raw), Decimal(0), dim)
    return raw


def evaluate(node: Node, fact_fields: dict[str, Any], dims: dict[str, str], ctx: Context | None = None,
             memo: dict | None = None, values: dict | None = None):
    """Three-valued evaluation. Returns True / False / UNKNOWN for conditions, values otherwise.

    `memo`, if given, receives the value of every sub-node (keyed by id), so the synthetic
    fields sent to the engine come from the same evaluation as the verdict. `values`, if given,
    keeps each field's evaluator value for the next call on the same fact (same fields and dims):
    every rule of a kind reads the same few fields.
    """
    ctx = ctx or Context()
    if values is None:
        values = {}

    # dispatch on the exact node class (no subclasses exist), most frequent first: this loop
    # runs for every rule on every fact of every report
    def ev(n: Node):
        t = n.__class__
        if t is Field:
            name = n.name
            try:
                v = values[name]
            except KeyError:
                v = values[name] = to_value(fact_fields.get(name), dims.get(name, TEXT))
        elif t is Literal:
            v = n.value
        elif t is Compare:
            a, b = ev(n.left), ev(n.right)
            v = UNKNOWN if a is UNKNOWN or b is UNKNOWN else compare(n.op, a, b, ctx.tolerance)
        elif t is And:
            items = [ev(i) for i in n.items]
            v = False if any(x is False for x in items) else UNKNOWN if any(x is UNKNOWN for x in items) else True
        elif t is Exists:
            v = (fact_fields.get(n.name) is not None) == n.present
        elif t is Call:
            v = _call(n, ev, ctx)
        elif t is Arith:
            a, b = ev(n.left), ev(n.right)
            v = UNKNOWN if a is UNKNOWN or b is UNKNOWN else _arith(n.op, a, b)
        elif t is Or:
            items = [ev(i) for i in n.items]
            v = True if any(x is True for x in items) else UNKNOWN if any(x is UNKNOWN for x in items) else False
        elif t is Not:
            x = ev(n.operand)
            v = x if x is UNKNOWN else (not x)
        elif t is Param:
            v = ctx.params.get(n.name, UNKNOWN)
        elif t is Neg:
            x = ev(n.operand)
            v = x if x is UNKNOWN else Num(-x.point, x.half, x.dim)
        elif t is In:
            x = ev(n.operand)
            v = UNKNOWN if x is UNKNOWN else (any(compare("==", x, opt.value, ctx.tolerance) for opt in n.options) != n.negated)
        else:
            raise TypeError(n)  # pragma: no cover
        if memo is not None:
            memo[id(n)] = v
        return v

    return ev(node)


def _arith(op: str, a, b):
    if not isinstance(a, Num) or not isinstance(b, Num):
        return UNKNOWN
    dim = a.dim if a.dim != NUMBER else b.dim
    if op == "+":
        return Num(a.point + b.point, a.half + b.half, dim)
    if op == "-":
        return Num(a.point - b.point, a.half + b.half, dim)
    if op == "*":
        half = abs(a.point) * b.half + abs(b.point) * a.half + a.half * b.half
        return settle(Num(a.point * b.point, half, dim))
    try:
        q = _div(a, b)
    except (ZeroDivisionError, InvalidOperation):
        return UNKNOWN
    return settle(Num(q.point, q.half, NUMBER if a.dim == b.dim else a.dim))


def _call(n: Call, ev, ctx: Context):
    if n.func == "coalesce":
        for arg in n.args:
            v = ev(arg)
            if v is not UNKNOWN:
                return v
        return UNKNOWN
    args = [ev(a) for a in n.args]
    if any(a is UNKNOWN for a in args):
        return UNKNOWN
    if n.func == "grade_band":
        return _grade_band(args[0], ctx.grade_bands)
    try:
        return FUNCTIONS[n.func].impl(*args)
    except (ZeroDivisionError, InvalidOperation):
        return UNKNOWN


def compare(op: str, a, b, tolerance: dict[str, Decimal] | None = None) -> bool:
    if isinstance(a, Num) and isinstance(b, Num):
        if op in ("==", "!="):
            extra = (tolerance or {}).get(a.dim if a.dim != NUMBER else b.dim, Decimal(0))
            equal = abs(a.point - b.point) <= a.half + b.half + extra
            return equal if op == "==" else not equal
        return {"<": a.point < b.point, "<=": a.point <= b.point, ">": a.point > b.point, ">=": a.point >= b.point}[op]
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    raise TypeError(f"cannot order {a!r} and {b!r}")


def format_num(v: Num, dim_unit: dict[str, str] | None = None) -> str:
    """Human form of a computed value: 2 decimals for money, as needed for others."""
    unit = {MONEY: "万元", PERCENT: "%", SCORE: "分", COUNT: "个"}.get(v.dim, "")
    places = 2 if v.dim == MONEY or v.point != v.point.to_integral() else 0
    if v.point and abs(v.point) < Decimal("0.005"):  # keep a tiny non-zero figure visible
        places = min(max(-v.point.adjusted(), 2), 6)
    q = v.point.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP) if places else v.point.quantize(Decimal(1))
    text = f"{q:,}"
    if v.dim != MONEY and "." in text:  # 80.00% -> 80%, 92.10% -> 92.1%
        text = text.rstrip("0").rstrip(".")
    return f"{text}{unit}"


def to_text(node: Node) -> str:
    """Print an AST back as a condition (for explain and lint)."""
    if isinstance(node, Literal):
        v = node.value
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, Num):
            return format_num(v) if v.dim != NUMBER else str(v.point)
        return f'"{v}"'
    if isinstance(node, Field):
        return node.name
    if isinstance(node, Param):
        return "profile." + node.name
    if isinstance(node, Exists):
        return ("exists " if node.present else "missing ") + node.name
    if isinstance(node, Neg):
        return "-" + to_text(node.operand)
    if isinstance(node, Arith):
        return f"({to_text(node.left)} {node.op} {to_text(node.right)})"
    if isinstance(node, Call):
        return f"{node.func}({', '.join(to_text(a) for a in node.args)})"
    if isinstance(node, Compare):
        return f"{to_text(node.left)} {node.op} {to_text(node.right)}"
    if isinstance(node, In):
        opts = ", ".join(to_text(o) for o in node.options)
        return f"{to_text(node.operand)} {'not in' if node.negated else 'in'} [{opts}]"
    if isinstance(node, And):
        return " and ".join(_paren(i) for i in node.items)
    if isinstance(node, Or):
        return " or ".join(_paren(i) for i in node.items)
    if isinstance(node, Not):
        return "not " + _paren(node.operand)
    return "?"


def _paren(n: Node) -> str:
    return f"({to_text(n)})" if isinstance(n, (And, Or)) else to_text(n)


def substitute(node: Node, params: dict[str, Any]) -> Node:
    """Replace profile settings by their values (done before compiling for the engine)."""
    from dataclasses import fields as dc_fields, replace

    if isinstance(node, Param):
        return Literal(value=params[node.name], line=node.line, column=node.column)
    changes = {}
    for f in dc_fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = substitute(value, params)
        elif isinstance(value, tuple) and value and all(isinstance(v, Node) for v in value):
            changes[f.name] = tuple(substitute(v, params) for v in value)
    return replace(node, **changes) if changes else node
