"""The durable_rules engine, used the way our measurements say it is safe.

* one Host per process and rule pack, background timer threads switched off (`_run`);
* rulesets compiled from YAML into JSON, named with the pack digest (they cannot be replaced);
* facts (not events: every matching rule must fire), each with a unique `fid`;
* one session (`sid`) per document, its state deleted afterwards;
* numbers as scaled integers, booleans as 0/1, no floats;
* a fact that matches no rule is not an error (MessageNotHandledException);
* every session ends with a sentinel fact that a built-in rule always fires on: we measured
  `delete_state` segfaulting on a session in which no action had run (2.0.28, CPython 3.11);
* the operators the compiler emits, measured by bench/engine_operators.py (run by the tests in a process
  of its own): $gt $gte $lt $lte $neq against a fact's own field ({"$m": …}) and against nested $add/$sub
  of own fields and literals, own-field text equality and $neq, and $mt ".*词.*" — 400 facts × 18 rules,
  4,144 activations, exact on CPython 3.11.7 and 3.12.1, including false comparisons, negative numbers and
  integers to 9e17. Cross-fact joins (the crash of notes 2.7b) are never emitted;
* the size of one rule (error 113, "expression limit exceeded"): 15 nested $and / $or groups register, 16 do
  not, whatever their leaves; leaves alone do not limit it (119 in a flat chain register) (2026-12-02, 2.0.28,
  CPython 3.11).
  The compiler merges nested groups of one operator and decides a condition still over either budget in
  Python as one yes/no (checker/rulebook/compiler.py, ENGINE_LEAF_BUDGET / ENGINE_GROUP_BUDGET).
"""
from __future__ import annotations

import copy
import itertools
import threading
from dataclasses import dataclass

from durable import engine as durable_engine
from durable.engine import MessageNotHandledException


class _BatchHost(durable_engine.Host):
    """Synchronous host: no dispatcher threads; the rule id is the action name."""

    def __init__(self):
        self.fired: dict[str, list[tuple[str, int]]] = {}
        super().__init__()

    def _run(self):  # the self-rearming Timer threads lose findings and segfault (notes 2.7a)
        pass

    def get_action(self, rule_id):
        def fire(c):
            self.fired.setdefault(c.s.sid, []).append((rule_id, int(c.m.fid)))

        return fire


@dataclass
class EngineError(Exception):
    message: str


_HOSTS: dict[str, tuple[_BatchHost, str]] = {}
_sid_counter = itertools.count(1)


SENTINEL = "__complete__"
_SENTINEL_RULE = {"all": [{"m": {"kind": SENTINEL}}], "run": SENTINEL}


def _host_for(name: str, ruleset: dict) -> _BatchHost:
    # Rulesets can never be unregistered, so a host is kept per pack digest for the process.
    if name not in _HOSTS:
        host = _BatchHost()
        rules = copy.deepcopy(ruleset)  # Ruleset() mutates what it is given
        rules[SENTINEL] = copy.deepcopy(_SENTINEL_RULE)
        host.set_rulesets({name: rules})
        _HOSTS[name] = (host, name)
    return _HOSTS[name][0]


def run(name: str, ruleset: dict, facts: list[dict]) -> list[tuple[str, int]]:
    """Assert `facts` in a fresh session; return (rule id, fid) for every activation."""
    if threading.current_thread() is not threading.main_thread():
        # relational paths of the C core crash off the main thread (notes 2.7b); we use none,
        # but keep the engine on the main thread so that stays true
        raise EngineError("规则引擎只能在主线程运行")
    host = _host_for(name, ruleset)
    sid = f"doc-{next(_sid_counter)}"
    try:
        for fact in facts:
            try:
                host.assert_fact(name, dict(fact, sid=sid))
            except MessageNotHandledException:
                pass  # no rule is interested in this fact: fine
        host.assert_fact(name, {"kind": SENTINEL, "fid": 0, "sid": sid})
        state = host.get_state(name, sid)
        if state and "exception" in state:
            raise EngineError(f"规则动作出错：{state['exception']}")
        return [hit for hit in host.fired.get(sid, []) if hit[0] != SENTINEL]
    finally:
        host.fired.pop(sid, None)
        host.delete_state(name, sid)
