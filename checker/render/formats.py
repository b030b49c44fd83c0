"""The output formats of `perfcheck check`, in one table: a new format is one entry here.

A format is either one output for all reports checked (`aggregate`: the terminal summary, JSON, SARIF,
JUnit) or one document per report (html, md, docx). Renderers are imported when used: the Word and
SARIF writers are not needed by a run that prints a summary.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class OutputFormat:
    name: str
    aggregate: bool  # one output for all reports (else one document per report)
    suffix: str  # of the file written
    help: str  # for `--format`, in the CLI's help
    render: Callable  # aggregate: (results, meta, notices, rules) -> str; per report: (result, meta) -> str | bytes
    binary: bool = False  # cannot be shown in a terminal


def _terminal(results, meta, notices, rules):
    from . import to_terminal

    return to_terminal(results, meta)


def _json(results, meta, notices, rules):
    from . import to_json

    return to_json(results, notices)


def _sarif(results, meta, notices, rules):
    from .sarif import to_sarif

    return to_sarif(results, meta, rules=rules)


def _junit(results, meta, notices, rules):
    from .junit import to_junit

    return to_junit(results, meta)


def _html(result, meta):
    from . import to_html

    return to_html(result, meta)


def _markdown(result, meta):
    from . import to_markdown

    return to_markdown(result, meta)


def _docx(result, meta):
    from .word import to_docx

    return to_docx(result, meta)


FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("text", True, ".txt", "终端摘要", _terminal),
    OutputFormat("json", True, ".json", "机器可读", _json),
    OutputFormat("md", False, ".md", "Markdown", _markdown),
    OutputFormat("html", False, ".html", "审核意见书（打印即送被审单位的文本；屏幕上另有审核人员工作底稿）", _html),
    OutputFormat("docx", False, ".docx", "Word 审核意见书（附件一问题详情、附件二工作底稿）", _docx, binary=True),
    OutputFormat("sarif", True, ".sarif", "供代码审查和 CI 系统（SARIF 2.1.0）", _sarif),
    OutputFormat("junit", True, ".xml", "供 CI 系统（JUnit XML）", _junit),
)}


def format_help() -> str:
    return "；".join(f"{f.name} {f.help}" for f in FORMATS.values())
