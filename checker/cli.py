"""perfcheck command line (click).

Exit codes: 0 no error finding; 1 error findings present; 2 usage, input or rule-pack error.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import click

from . import __version__
from .errors import PerfcheckError
from .resources import rules_dir

INPUT_SUFFIXES = (".pdf", ".docx", ".txt")
FORMAT_SUFFIX = {"json": ".json", "md": ".md", "html": ".html"}


# ---------------------------------------------------------------- helpers


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so an interrupted run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def expand_inputs(paths: tuple[str, ...]) -> list[str]:
    """Files as given; folders searched recursively for reports (hidden and ~$ files skipped)."""
    out: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES
                and not any(part.startswith((".", "~$")) for part in f.relative_to(p).parts)
            )
            out.extend(str(f) for f in found)
        else:
            out.append(raw)
    return out


def _rule_paths(rule_dirs: tuple[str, ...], builtin: bool) -> list[Path]:
    return ([rules_dir()] if builtin else []) + [Path(d).resolve() for d in rule_dirs]


def load_rules(rule_dirs: tuple[str, ...], builtin: bool):
    """Load and validate the pack; a broken pack stops the run with file:line errors."""
    from .rulebook.loader import load_pack

    pack, problems = load_pack(_rule_paths(rule_dirs, builtin))
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"\n规则包有 {len(problems)} 处错误，未执行检查。请按上面的提示修改后重试"
                   f"（可先运行 perfcheck rules validate 查看）。", err=True)
        sys.exit(2)
    return pack


def _meta(pack, profile) -> dict:
    return {
        "tool_version": __version__,
        "pack_digest": pack.digest,
        "checked_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "profile": f"{profile.name}（{profile.title}）" if profile.title else profile.name,
    }


def load_profile_or_exit(name: str):
    from .profile import ProfileError, load_profile

    try:
        return load_profile(name)
    except ProfileError as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)


PROFILE_OPTION = click.option("--profile", default="national", show_default=True,
                              help="地方口径配置：national、sichuan、hubei，或配置文件路径")


# ---------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfcheck")
def main() -> None:
    """perfcheck：检查绩效自评报告（PDF / .docx / .txt）中的数据与合规问题。"""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html"]), default="text",
              show_default=True, help="输出格式：text 终端摘要；json 机器可读；md Markdown；html 可打印的审核意见")
@click.option("-o", "--output", type=click.Path(), help="输出文件；检查多份报告且格式为 html/md 时为输出目录")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="附加规则目录或文件（可多次指定）")
@click.option("--no-builtin-rules", is_flag=True, help="只用 --rules 指定的规则，不加载内置规则包")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, help="并行检查的进程数（默认：CPU 核数）")
@click.option("--timeout", type=click.FloatRange(1), default=120, show_default=True, help="每份报告的时限（秒）")
@click.option("--in-process", is_flag=True, help="不使用子进程（调试用；引擎崩溃会中断整个运行）")
@PROFILE_OPTION
def check(paths, fmt, output, rule_dirs, no_builtin_rules, jobs, timeout, in_process, profile):
    """检查一份或多份报告（也可以是文件夹）。"""
    from .batch import BatchOptions, run_batch
    from .render import to_html, to_json, to_markdown, to_terminal

    pack = load_rules(rule_dirs, builtin=not no_builtin_rules)
    prof = load_profile_or_exit(profile)
    meta = _meta(pack, prof)
    inputs = expand_inputs(paths)
    if not inputs:
        click.echo(f"在 {'、'.join(paths)} 中没有找到报告文件（支持 PDF、.docx、.txt）。", err=True)
        sys.exit(2)
    rule_paths = tuple(str(p) for p in _rule_paths(rule_dirs, not no_builtin_rules))
    options = BatchOptions(rule_paths, profile, jobs=min(jobs or os.cpu_count() or 1, len(inputs)), timeout=timeout,
                           isolate=not in_process)
    results = run_batch(inputs, options)
    for result in results:
        for line in result.diagnostics:
            click.echo(f"内部检查警告：{result.source}：{line}", err=True)

    if fmt == "text":
        text = to_terminal(results, meta)
        if output:
            write_atomic(Path(output), text)
            click.echo(f"已写入 {output}")
        else:
            click.echo(text)
    elif fmt == "json":
        text = to_json(results)
        if output:
            write_atomic(Path(output), text)
            click.echo(f"已写入 {output}", err=True)
        else:
            click.echo(text)
    else:
        written = _write_documents(results, meta, fmt, output, to_html if fmt == "html" else to_markdown)
        if written:  # documents went to files: show the findings on the terminal as well
            click.echo(to_terminal(results, meta))
    sys.exit(_exit_code(results))


def _write_documents(results, meta, fmt, output, render) -> None:
    many = len(results) > 1
    out_dir = None
    if output and (many or output.endswith(("/", os.sep)) or Path(output).is_dir()):
        out_dir = Path(output)
    elif many:
        out_dir = Path("perfcheck-out")
    if out_dir is None and not output:
        click.echo(render(results[0], meta))
        return False
    for result in results:
        target = (out_dir / (Path(result.source).stem + ".findings" + FORMAT_SUFFIX[fmt])) if out_dir else Path(output)
        write_atomic(target, render(result, meta))
        state = "出错" if result.status == "error" else f"错误 {result.count('error')} · 警告 {result.count('warning')}"
        click.echo(f"{result.source} → 已写入 {target}（{state}）", err=True)
    return True


def _exit_code(results) -> int:
    if any(r.status == "error" for r in results):
        return 2
    if any(r.count("error") for r in results):
        return 1
    return 0


@main.command()
@click.argument("report")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def facts(report, fmt):
    """列出从报告中读出的全部事实（含页码和原文），便于核对。"""
    from .derive import derive
    from .extract import extract
    from .ingest import load

    try:
        items = derive(extract(load(report)))
    except PerfcheckError as exc:
        click.echo(f"{report}: {exc.message}（{exc.code}）", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps([_fact_json(f) for f in items], ensure_ascii=False, indent=2))
        return
    for f in items:
        values = "；".join(f"{k}={_fmt_value(v)}" for k, v in f.fields.items())
        pages = ",".join(str(e.page) for e in f.evidence)
        click.echo(f"[{f.kind}] {f.subject}（第{pages}页）\n    {values}")


def _fmt_value(v) -> str:
    from .evaluate import display

    return display(v)


def _fact_json(f) -> dict:
    from .model import Quantity

    def enc(v):
        if isinstance(v, Quantity):
            return {"value": str(v.value), "unit": v.unit, "written": v.written}
        return v

    return {
        "kind": f.kind, "subject": f.subject, "extractor": f.extractor,
        "fields": {k: enc(v) for k, v in f.fields.items()},
        "evidence": [e.as_dict() for e in f.evidence],
        "field_evidence": {k: e.as_dict() for k, e in f.field_evidence.items()},
    }


@main.command()
@click.argument("report")
@click.option("--rule", "rule_id", required=True, help="规则编号，如 execution.explanation-required")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="附加规则目录或文件")
@PROFILE_OPTION
def explain(report, rule_id, rule_dirs, profile):
    """说明一条规则在这份报告上为何触发、未触发或无法评估。"""
    import difflib

    from .derive import derive
    from .evaluate import compile_pack, evaluate_document
    from .extract import extract
    from .ingest import load
    from .pipeline import document_summary
    from .rulebook.explain import explain_rule

    pack = load_rules(rule_dirs, builtin=True)
    rule = pack.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, [r.id for r in pack.rules], n=3, cutoff=0.4)
        hint = f"是否想写：{'、'.join(close)}？" if close else "用 perfcheck rules list 查看全部规则。"
        click.echo(f"没有编号为“{rule_id}”的规则。{hint}", err=True)
        sys.exit(2)
    try:
        items = derive(extract(load(report)))
    except PerfcheckError as exc:
        click.echo(f"{report}: {exc.message}（{exc.code}）", err=True)
        sys.exit(2)
    cpack = compile_pack(pack, load_profile_or_exit(profile))
    kind = document_summary(items, cpack.ctx).get("report_kind")
    result = evaluate_document(cpack, items, kind)
    rule = next((cr.rule for cr in cpack.rules if cr.rule.id == rule_id), None)
    if rule is None:
        click.echo(f"规则 {rule_id} 在配置“{profile}”下未启用。")
        return
    if kind is not None and kind not in rule.report_kinds:
        click.echo(f"这份报告是{kind}报告，规则 {rule_id} 只适用于{'、'.join(rule.report_kinds)}报告：不适用。")
        return
    fired = {fid for rid, fid in result.fired if rid == rule_id}
    click.echo(explain_rule(rule, items, fired, cpack.ctx))


@main.group()
def rules():
    """规则包：校验、测试、列出。"""


@rules.command("validate")
@click.argument("dirs", nargs=-1)
def rules_validate(dirs):
    """校验规则文件（默认内置规则包），错误以 文件:行:列 报告。"""
    from .rulebook.loader import load_pack

    paths = [Path(d) for d in dirs] or [rules_dir()]
    pack, problems = load_pack(paths)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"\n共 {len(problems)} 处错误。", err=True)
        sys.exit(2)
    click.echo(f"规则包有效：{len(pack.rules)} 条规则，{len(pack.files)} 个文件。")


@rules.command("test")
@click.argument("dirs", nargs=-1)
@click.option("--rule", "only", help="只测试这一条规则")
@PROFILE_OPTION
def rules_test(dirs, only, profile):
    """运行每条规则自带的测试用例。"""
    from .rulebook.loader import load_pack
    from .rulebook.testing import run_tests

    paths = [Path(d) for d in dirs] or [rules_dir()]
    pack, problems = load_pack(paths)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    results = run_tests(pack, only, load_profile_or_exit(profile))
    failed = [r for r in results if not r.ok]
    for r in failed:
        click.echo(f"✗ {r.rule.id} · {r.case.name}（{r.rule.source}:{r.case.line}）")
        for line in r.detail.strip().splitlines():
            click.echo(f"    {line}")
    untested = [r.id for r in pack.rules if not r.tests and (not only or r.id == only)]
    for rule_id in untested:
        click.echo(f"! {rule_id} 没有测试用例")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@rules.command("lint")
@click.argument("dirs", nargs=-1)
def rules_lint(dirs):
    """找出可能写错的规则：无测试、无依据、永不/总是触发、条件重复。"""
    from .rulebook.lint import lint
    from .rulebook.loader import load_pack

    pack, problems = load_pack([Path(d) for d in dirs] or [rules_dir()])
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    issues = lint(pack)
    for issue in issues:
        click.echo(f"{issue}")
    click.echo(f"检查了 {len(pack.rules)} 条规则，发现 {len(issues)} 处需要注意。")
    sys.exit(1 if issues else 0)


@rules.command("list")
@click.argument("dirs", nargs=-1)
def rules_list(dirs):
    """列出规则：编号、严重程度、标题。"""
    from .rulebook.loader import SEVERITIES, load_pack

    pack, problems = load_pack([Path(d) for d in dirs] or [rules_dir()])
    for rule in pack.rules:
        click.echo(f"{rule.id:<36} {SEVERITIES[rule.severity]}  {rule.title}")
    if problems:
        click.echo(f"（另有 {len(problems)} 处错误，运行 perfcheck rules validate 查看）", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
