"""Errors that reach the user: each has a stable code and a Chinese message saying what to do."""
from __future__ import annotations


class PerfcheckError(Exception):
    """Base class: `code` is stable for machines, `message` is Chinese for people."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class InputError(PerfcheckError):
    """The report file cannot be read (missing, wrong type, encrypted, empty ...)."""


class RulePackError(PerfcheckError):
    """The rule pack is broken; `problems` holds one line per problem (file:line:col: ...)."""

    def __init__(self, problems: list[str]):
        super().__init__("rules.invalid", "规则包有错误，未执行检查：\n" + "\n".join(problems))
        self.problems = problems
