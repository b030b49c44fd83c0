"""Compile a condition AST into a durable_rules JSON expression: the engine decides.

durable_rules 2.0.28 is used as a single-fact matcher (docs/architecture.md). What it evaluates itself:
* a field against a literal, existence, a text or yes/no equality ($lt, $gte, $ex, $nex, $neq, ...);
* comparisons between a fact's own fields and sums or differences of them ({"$gt": {"a": {"$add":
  {"$l": {"$m": "b"}, "$r": {"$m": "c"}}}}}), numbers as integers scaled by SCALE;
* rounding tolerance: every numeric field goes to the engine with its half-width (`name__h`, half a unit
  of its last written place), so `a + b != c` compiles to `a > c - b + (a__h + b__h + c__h)` or
  `a < c - b - (…)`, the same interval test the reference evaluator makes;
* text against text (a stated grade against the grade its score's band gives).
What it cannot compute — a ratio (pct), min/max, a product, a grade band, coalesce — goes to it as a
*computed value* (a number with its half-width, or a text), worked out in Python with Decimal; the
engine still makes the comparison. Only a yes/no no engine operator can test (contains) becomes a
*synthetic* field decided in Python: `decided_by` says which rules have one.
Negation is pushed down to the leaves (De Morgan), and every comparison is guarded with $ex on its
fields, so the engine fires exactly when the three-valued reference evaluator says True.

Measured on durable_rules 2.0.28 with CPython 3.11.7 and 3.12.1 (bench/engine_operators.py: 400 facts, every
activation compared with Python): $gt $gte $lt $lte $neq against an own field ({"$m": …}) and against
nested $add/$sub of own fields and literals, true and false, with negative numbers and integers up to
9e17, and own-field text $neq / equality — all exact, no crash (the crash of notes 2.7b is the
cross-fact join path, which nothing here uses). The largest integer sent is about 1e15 (10 million 万元
at SCALE 1e8) plus the half-width cap 1e17, inside the C long long (9.2e18) with room for the few terms
a condition adds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .condition import (
    BOOL, NUMBER, NUMERIC, PERCENT, QUANTUM, TEXT, And, Arith, Call, Compare, Exists, Field, In, Literal, Neg, Node, Not,
    Num, Or,
)

SCALE = 1 / QUANTUM  # numbers go to the engine as integers (no floats: notes 2.7f), in units of 1e-8 (万元: 0.0001元)
HALF = "__h"  # suffix of a numeric field's half-width in the engine fact
HALF_CAP = 10 ** 17  # an unbounded half-width (a ratio over a denominator its rounding could zero) as sent
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_ENGINE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def encode_number(value: Decimal) -> int:
    if not value.is_finite():
        return HALF_CAP
    return max(-HALF_CAP, min(HALF_CAP, int((value * SCALE).to_integral_value())))


@dataclass
class Compiled:
    expr: dict
    synthetic: list[tuple[str, Node]] = field(default_factory=list)  # (engine field, yes/no decided in Python)
    computed: list[tuple[str, Node]] = field(default_factory=list)  # (engine field, value computed in Python)
    native: int = 0  # comparisons the engine makes itself
    judgments: list[str] = field(default_factory=list)  # yes/no fields the derive stage decided, as read

    @property
    def decided_by(self) -> str:
        if not self.synthetic and not self.judgments:
            return "engine"
        return "mixed" if self.native else "precomputed"


@dataclass
class _Linear:
    """A numeric expression as the engine can add it up: signed terms (engine fields) and a constant,
    with the half-widths of every term (fields) and of the constant."""
    terms: list[tuple[int, str]]
    const: int
    halves: list[str]
    half_const: int

    def minus(self) -> "_Linear":
        return _Linear([(-s, f) for s, f in self.terms], -self.const, self.halves, self.half_const)

    def plus(self, other: "_Linear") -> "_Linear":
        return _Linear(self.terms + other.terms, self.const + other.const, self.halves + other.halves,
                       self.half_const + other.half_const)


def _sum_expr(terms: list[tuple[int, str]], const: int):
    """durable_rules operand for const + Σ sign·field (a literal when there are no terms)."""
    expr = None
    for sign, name in terms:
        ref = {"$m": name}
        if expr is None:
            expr = ref if sign > 0 else {"$sub": {"$l": 0, "$r": ref}}
        else:
            expr = {"$add" if sign > 0 else "$sub": {"$l": expr, "$r": ref}}
    if expr is None:
        return const
    if const:
        expr = {"$add" if const > 0 else "$sub": {"$l": expr, "$r": abs(const)}}
    return expr


class _Compiler:
    def __init__(self, dims: dict[str, str], prefix: str, tolerance: dict | None = None,
                 judgments: frozenset = frozenset()):
        self.dims, self.prefix, self.tolerance, self.judgment_fields = dims, prefix, tolerance or {}, judgments
        self.judgments: list[str] = []
        self.synthetic: list[tuple[str, Node]] = []
        self.computed: list[tuple[str, Node]] = []
        self.native = 0

    def synth(self, node: Node, negated: bool) -> dict:
        for name, existing in self.synthetic:
            if existing == node:
                break
        else:
            name = f"{self.prefix}{len(self.synthetic)}"
            self.synthetic.append((name, node))
        return {name: 0 if negated else 1}

    def value_field(self, node: Node) -> str:
        """An engine field holding the value of `node`, computed in Python (a number or a text)."""
        for name, existing in self.computed:
            if existing == node:
                return name
        name = f"{self.prefix}v{len(self.computed)}"
        self.computed.append((name, node))
        return name

    def compile(self, n: Node, negated: bool = False) -> dict:
        if isinstance(n, Not):
            return self.compile(n.operand, not negated)
        if isinstance(n, (And, Or)):
            parts = [self.compile(i, negated) for i in n.items]
            use_and = isinstance(n, And) != negated
            return {"$and" if use_and else "$or": parts}
        if isinstance(n, Exists):
            present = n.present != negated
            return {"$ex" if present else "$nex": {n.name: 1}}
        if isinstance(n, Field) and self.dims.get(n.name) == BOOL:
            if n.name in self.judgment_fields and n.name not in self.judgments:
                self.judgments.append(n.name)
            else:
                self.native += 1
            return {n.name: 0 if negated else 1}
        if isinstance(n, Compare):
            direct = self._compare(n, negated)
            if direct is not None:
                self.native += 1
                return direct
        if isinstance(n, In) and isinstance(n.operand, Field) and self.dims.get(n.operand.name) == TEXT:
            name = n.operand.name
            member = (not n.negated) != negated
            options = [o.value for o in n.options]
            tests = [{name: v} for v in options] if member else [{"$neq": {name: v}} for v in options]
            inner = tests[0] if len(tests) == 1 else {"$or" if member else "$and": tests}
            self.native += 1
            return {"$and": [{"$ex": {name: 1}}, inner]}
        return self.synth(n, negated)

    # -------------------------------------------------------------- comparisons

    def _dim(self, n: Node) -> str | None:
        if isinstance(n, Field):
            return self.dims.get(n.name)
        if isinstance(n, Literal):
            v = n.value
            return BOOL if isinstance(v, bool) else TEXT if isinstance(v, str) else "number" if isinstance(v, Num) else None
        if isinstance(n, Call):
            return TEXT if n.func == "grade_band" else BOOL if n.func == "contains" else (
                self._dim(n.args[0]) if n.func == "coalesce" else "number")
        return "number"

    def _compare(self, n: Compare, negated: bool) -> dict | None:
        op = _NEGATE[n.op] if negated else n.op
        left, right = self._dim(n.left), self._dim(n.right)
        if left in NUMERIC or right in NUMERIC or "number" in (left, right):
            if left in (TEXT, BOOL) or right in (TEXT, BOOL):
                return None
            a, b = self._num_dim(n.left), self._num_dim(n.right)
            extra = self.tolerance.get(a if a != NUMBER else b, Decimal(0))
            return self._numeric(n.left, op, n.right, encode_number(extra))
        if left == TEXT and right == TEXT:
            return self._text(n.left, op, n.right)
        if {left, right} <= {BOOL} and op in ("==", "!="):
            return self._bool(n.left, op, n.right)
        return None

    def _num_dim(self, n: Node) -> str:
        """The dimension the reference evaluator gives a numeric value (for a rule's extra tolerance)."""
        if isinstance(n, Field):
            return self.dims.get(n.name, NUMBER)
        if isinstance(n, Literal) and isinstance(n.value, Num):
            return n.value.dim
        if isinstance(n, Neg):
            return self._num_dim(n.operand)
        if isinstance(n, Arith):
            a, b = self._num_dim(n.left), self._num_dim(n.right)
            if n.op == "/":
                return NUMBER if a == b else a
            return a if a != NUMBER else b
        if isinstance(n, Call):
            return PERCENT if n.func == "pct" else self._num_dim(n.args[0]) if n.args else NUMBER
        return NUMBER

    def _operand(self, n: Node) -> tuple[list[str], object]:
        """(fields that must exist, engine operand) of a text or yes/no side."""
        if isinstance(n, Literal):
            return [], int(n.value) if isinstance(n.value, bool) else n.value
        if isinstance(n, Field):
            return [n.name], {"$m": n.name}
        name = self.value_field(n)
        return [name], {"$m": name}

    def _text(self, a: Node, op: str, b: Node) -> dict | None:
        if op not in ("==", "!="):
            return None
        if isinstance(a, Literal):
            a, b = b, a
        need_a, _ = self._operand(a)
        need_b, ref = self._operand(b)
        lhs = need_a[0]
        test = {lhs: ref} if op == "==" else {"$neq": {lhs: ref}}
        return {"$and": [*({"$ex": {f: 1}} for f in need_a + need_b), test]}

    def _bool(self, a: Node, op: str, b: Node) -> dict | None:
        if not isinstance(b, Literal):
            a, b = b, a
        if not (isinstance(a, Field) and isinstance(b, Literal)):
            return None
        test = {a.name: int(b.value)} if op == "==" else {"$neq": {a.name: int(b.value)}}
        return {"$and": [{"$ex": {a.name: 1}}, test]}

    def _linear(self, n: Node) -> _Linear:
        if isinstance(n, Field):
            return _Linear([(1, n.name)], 0, [n.name + HALF], 0)
        if isinstance(n, Literal) and isinstance(n.value, Num):
            return _Linear([], encode_number(n.value.point), [], encode_number(n.value.half))
        if isinstance(n, Neg):
            return self._linear(n.operand).minus()
        if isinstance(n, Arith) and n.op in ("+", "-"):
            right = self._linear(n.right)
            return self._linear(n.left).plus(right if n.op == "+" else right.minus())
        name = self.value_field(n)  # a ratio, product, min, coalesce …: its value, computed
        return _Linear([(1, name)], 0, [name + HALF], 0)

    def _numeric(self, a: Node, op: str, b: Node, extra: int = 0) -> dict | None:
        diff = self._linear(a).plus(self._linear(b).minus())  # a - b, compared with 0
        if not diff.terms:
            return None  # literals only: nothing for the engine to read
        (sign, anchor), rest = diff.terms[0], diff.terms[1:]
        # sign·anchor + rest + const  op  0   <=>   anchor  op'  -(rest + const)·sign
        other = [(-s * sign, f) for s, f in rest]
        const = -diff.const * sign
        if sign < 0:
            op = _FLIP[op]
        guards = [{"$ex": {f: 1}} for f in dict.fromkeys(f for _, f in diff.terms)]
        if op in ("==", "!="):
            tolerance = [(1, h) for h in diff.halves]
            half = diff.half_const + extra
            upper = _sum_expr(other + tolerance, const + half)
            lower = _sum_expr(other + [(-1, h) for _, h in tolerance], const - half)
            if op == "==":
                test = {"$and": [{"$lte": {anchor: upper}}, {"$gte": {anchor: lower}}]}
            else:
                test = {"$or": [{"$gt": {anchor: upper}}, {"$lt": {anchor: lower}}]}
            guards += [{"$ex": {h: 1}} for h in dict.fromkeys(diff.halves)]
        else:
            test = {_ENGINE_OP[op]: {anchor: _sum_expr(other, const)}}
        return {"$and": [*guards, test]}


# durable_rules refuses a rule that is too large (error 113, "expression limit exceeded"). What limits it is the
# number of nested $and / $or groups: 15 groups in a rule register (the rule's own kind test is one of them), 16 do
# not, whatever their leaves; leaves alone do not limit it (a flat $and or $or of 119 tests registers, and an $and of
# 5 $or groups of 39 tests each) (2026-12-02, 2.0.28, CPython 3.11). An earlier reading of "36 leaves register, 42
# do not" came from chains whose comparisons were groups of their own. A condition over either budget is decided
# in Python as one yes/no; the leaf budget stays well under what was measured.
ENGINE_LEAF_BUDGET = 100
ENGINE_GROUP_BUDGET = 14  # groups of the condition; ruleset_entry wraps it in one more


def leaf_tests(expr) -> int:
    """The tests (leaves) of a compiled expression."""
    if isinstance(expr, dict) and set(expr) & {"$and", "$or"}:
        return sum(leaf_tests(item) for key in expr for item in expr[key])
    return 1


def flatten(expr):
    """The same test with nested groups of one operator merged ($and in $and, $or in $or) and a test
    repeated within a group ($ex guards of one field) kept once: fewer groups for the engine's limit."""
    if not (isinstance(expr, dict) and len(expr) == 1 and next(iter(expr)) in ("$and", "$or")):
        return expr
    op, items = next(iter(expr.items()))
    out: list = []
    for item in map(flatten, items):
        for part in (item[op] if isinstance(item, dict) and list(item) == [op] else [item]):
            if part not in out:
                out.append(part)
    return out[0] if len(out) == 1 else {op: out}


def group_count(expr) -> int:
    """The $and / $or groups of a compiled expression."""
    if isinstance(expr, dict) and set(expr) & {"$and", "$or"}:
        return 1 + sum(group_count(item) for key in expr for item in expr[key])
    return 0


def compile_condition(node: Node, dims: dict[str, str], prefix: str, tolerance: dict | None = None,
                      judgments: frozenset = frozenset()) -> Compiled:
    """`tolerance`: the rule's extra tolerance on == / != per dimension (Decimal); `judgments`: the yes/no
    fields of the fact kind that the derive stage decided (reported by decided_by)."""
    c = _Compiler(dims, prefix, tolerance, judgments)
    expr = flatten(c.compile(node))
    if leaf_tests(expr) > ENGINE_LEAF_BUDGET or group_count(expr) > ENGINE_GROUP_BUDGET:  # too long for the engine
        name = f"{prefix}0"
        return Compiled({name: 1}, [(name, node)], [], 0, list(c.judgments))
    return Compiled(expr, c.synthetic, c.computed, c.native, c.judgments)


def ruleset_entry(rule_id: str, kind: str, condition: dict) -> dict:
    """One durable_rules rule: a single fact of `kind` that meets `condition`."""
    return {"all": [{"m": {"$and": [{"kind": kind}, condition]}}], "run": rule_id}
