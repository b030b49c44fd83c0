"""`--template FILE`: a user's own Jinja2 template, rendered in a sandbox.

The sandbox (jinja2.sandbox.ImmutableSandboxedEnvironment) refuses attribute access outside
the data and any mutation, so a template passed around between offices cannot run code.
The data model is documented in docs/templates.md.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import PerfcheckError
from ..model import ReportResult
from . import _context
from .filters import FILTERS


class TemplateProblem(PerfcheckError):
    def __init__(self, message: str):
        super().__init__("template.invalid", message)


def render_custom(path: str | Path, result: ReportResult, meta: dict) -> str:
    path = Path(path)
    if not path.is_file():
        raise TemplateProblem(f"找不到模板文件：{path}")
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(path.parent)),
        autoescape=select_autoescape(["html", "htm", "xml", "html.j2", "htm.j2"], default=False),
        undefined=StrictUndefined,
    )
    env.filters.update(FILTERS)
    try:
        template = env.get_template(path.name)
        data = {k: v for k, v in _context(result, meta).items() if not callable(v)}
        return template.render(**data)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{path}:{line}" if line else str(path)
        raise TemplateProblem(f"{where}: 模板出错：{exc.message if hasattr(exc, 'message') else exc}") from None


def output_suffix(path: str | Path) -> str:
    """report.html.j2 -> .html; summary.txt -> .txt"""
    name = Path(path).name
    if name.endswith(".j2"):
        name = name[:-3]
    suffix = Path(name).suffix
    return suffix or ".txt"
