"""Report synthesiser: realistic 部门整体 / 项目 self-evaluation reports and 自评表 forms, each with its
truth, clean or with one seeded problem, written out in several layouts (bench/synth_bench.py)."""
from .generate import Report, generate
from .layouts import LAYOUTS, render
from .problems import PROBLEMS, problems_for

__all__ = ["LAYOUTS", "PROBLEMS", "Report", "generate", "problems_for", "render"]
