"""Compile a condition AST into a durable_rules JSON expression.

durable_rules is used as a single-fact matcher only (see docs/architecture.md):
* a field compared with a literal, an existence test, a text or yes/no equality compile to
  the engine's own operators ($lt, $gte, $ex, $nex, $neq, ...);
* everything the engine cannot do safely (arithmetic with rounding tolerance, comparisons
  between two fields, functions) becomes a *synthetic* yes/no field computed in Python
  with Decimal before the fact is asserted; the engine then tests that field.
Negation is pushed down to the leaves (De Morgan), and every comparison is guarded with
$ex on its fields, so the engine fires exactly when the three-valued reference evaluator
says True.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .condition import (
    BOOL, NUMERIC, TEXT, And, Compare, Exists, Field, In, Literal, Node, Not, Num, Or,
)

SCALE = Decimal(10) ** 6  # numbers go to the engine as integers (no floats: see notes 2.7f)
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_ENGINE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def encode_number(value: Decimal) -> int:
    return int((value * SCALE).to_integral_value())


@dataclass
class Compiled:
    expr: dict
    synthetic: list[tuple[str, Node]] = field(default_factory=list)  # (engine field, condition)


class _Compiler:
    def __init__(self, dims: dict[str, str], prefix: str):
        self.dims, self.prefix = dims, prefix
        self.synthetic: list[tuple[str, Node]] = []

    def synth(self, node: Node, negated: bool) -> dict:
        for name, existing in self.synthetic:
            if existing == node:
                break
        else:
            name = f"{self.prefix}{len(self.synthetic)}"
            self.synthetic.append((name, node))
        return {name: 0 if negated else 1}

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
            return {n.name: 0 if negated else 1}
        if isinstance(n, Compare):
            direct = self._direct_compare(n, negated)
            if direct is not None:
                return direct
        if isinstance(n, In) and isinstance(n.operand, Field) and self.dims.get(n.operand.name) == TEXT:
            name = n.operand.name
            member = (not n.negated) != negated
            options = [o.value for o in n.options]
            tests = [{name: v} for v in options] if member else [{"$neq": {name: v}} for v in options]
            inner = tests[0] if len(tests) == 1 else {"$or" if member else "$and": tests}
            return {"$and": [{"$ex": {name: 1}}, inner]}
        return self.synth(n, negated)

    def _direct_compare(self, n: Compare, negated: bool) -> dict | None:
        left, right, op = n.left, n.right, n.op
        if isinstance(left, Literal) and isinstance(right, Field):
            left, right, op = right, left, _FLIP[op]
        if not (isinstance(left, Field) and isinstance(right, Literal)):
            return None
        dim = self.dims.get(left.name)
        value = right.value
        if negated:
            op = _NEGATE[op]
        guard = {"$ex": {left.name: 1}}
        if dim in NUMERIC and isinstance(value, Num) and op not in ("==", "!="):
            # ordering is point comparison in both evaluators; equality carries rounding
            # tolerance and so goes through a synthetic field
            return {"$and": [guard, {_ENGINE_OP[op]: {left.name: encode_number(value.point)}}]}
        if dim in (TEXT, BOOL) and isinstance(value, (str, bool)) and op in ("==", "!="):
            encoded = int(value) if isinstance(value, bool) else value
            test = {left.name: encoded} if op == "==" else {"$neq": {left.name: encoded}}
            return {"$and": [guard, test]}
        return None


def compile_condition(node: Node, dims: dict[str, str], prefix: str) -> Compiled:
    c = _Compiler(dims, prefix)
    expr = c.compile(node)
    return Compiled(expr, c.synthetic)


def ruleset_entry(rule_id: str, kind: str, condition: dict) -> dict:
    """One durable_rules rule: a single fact of `kind` that meets `condition`."""
    return {"all": [{"m": {"$and": [{"kind": kind}, condition]}}], "run": rule_id}
