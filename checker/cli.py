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
from .render.formats import FORMATS, format_help
from .resources import override_note, rules_dir

INPUT_SUFFIXES = (".pdf", ".docx", ".txt")


# ---------------------------------------------------------------- helpers


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write via a temporary file and rename, so an interrupted run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a findings file is for passing on
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


def require_rule_paths(paths: list[Path]) -> None:
    """A rule folder or file that is not there stops the run with one line naming it (and, for
    the built-in pack, where its path came from), not with errors about what it would have held."""
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        if path == rules_dir():
            click.echo(f"内置规则目录不存在：{path}{override_note('rules')}。请检查该路径，或重新安装 perfcheck。", err=True)
        else:
            click.echo(f"规则目录或文件不存在：{path}。请检查 --rules 后的路径。", err=True)
    if missing:
        sys.exit(2)


def load_rules(rule_dirs: tuple[str, ...], builtin: bool, profile):
    """Load and validate the pack for `profile` (or take the one validated from the same files
    before, see checker/cache.py); a broken pack stops the run with file:line errors."""
    from .cache import load_cached_pack

    paths = _rule_paths(rule_dirs, builtin)
    require_rule_paths(paths)
    pack, problems = load_cached_pack(paths, profile=profile)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        extra = " ".join(rule_dirs)
        click.echo(f"\n规则包有 {len(problems)} 处错误，未执行检查。请按上面的提示修改后重试"
                   f"（可先运行 perfcheck rules validate {extra} 查看）。", err=True)
        sys.exit(2)
    return pack


DEFAULT_TIMEZONE = "Asia/Shanghai"  # the reviewer's clock, not the server's; PERFCHECK_TZ overrides it


def reviewer_now() -> datetime:
    from datetime import timedelta, timezone

    name = os.environ.get("PERFCHECK_TZ") or DEFAULT_TIMEZONE
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(name)
    except Exception:  # no tz database (Windows without tzdata) or an unknown name: Beijing time
        zone = timezone(timedelta(hours=8), "UTC+08:00")
    return datetime.now(zone)


def _meta(pack, profile) -> dict:
    return {
        "tool_version": __version__,
        "pack_digest": pack.digest,
        "checked_at": reviewer_now().isoformat(timespec="seconds"),
        "profile": f"{profile.name}（{profile.title}）" if profile.title else profile.name,
        "letter": dict(profile.letter),
    }


def load_profile_or_exit(name: str):
    from .profile import ProfileError, load_profile

    try:
        return load_profile(name)
    except ProfileError as exc:
        click.echo(f"配置错误：{exc.message}", err=True)
        sys.exit(2)


def load_pack_or_exit(paths: list[Path], profile):
    """`load_pack` for the rules commands, validated for `profile` (a name, a path or a loaded
    Profile): missing rule paths and a broken profile are reported first, as themselves."""
    from .rulebook.loader import load_pack

    require_rule_paths(paths)
    return load_pack(paths, load_profile_or_exit(profile) if isinstance(profile, str) else profile)


PROFILE_OPTION = click.option("--profile", default="national", show_default=True,
                              help="地方口径配置：national、sichuan、hubei，或配置文件路径")


# ---------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfcheck")
def main() -> None:
    """perfcheck：检查绩效自评报告（PDF / .docx / .txt）中的数据与合规问题。"""




@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True, help=format_help())
@click.option("-o", "--output", type=click.Path(allow_dash=True),
              help="输出文件；html/md/docx 检查多份报告时为输出目录（另写汇总 index.html / index.csv）。"
                   "不给时：html/docx 写在报告旁（报告名.findings.html），多份报告写入 ./perfcheck-out/；- 表示输出到终端")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="附加规则目录或文件（可多次指定）")
@click.option("--no-builtin-rules", is_flag=True, help="只用 --rules 指定的规则，不加载内置规则包")
@PROFILE_OPTION
@click.option("--waivers", type=click.Path(), help="豁免清单（YAML）：规则、对象、理由、批准人、有效期")
@click.option("--baseline", type=click.Path(), help="上次的 JSON 结果：标出新增、未变和已解决的问题")
@click.option("--template", type=click.Path(), help="用自己的 Jinja2 模板输出每份报告（沙箱中渲染，见 docs/templates.md）")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, help="并行检查的进程数（默认：CPU 核数）")
@click.option("--timeout", type=click.FloatRange(1), default=120, show_default=True, help="每份报告的时限（秒）")
@click.option("--no-cache", is_flag=True, help="不使用事实缓存（每次重新读取报告）")
@click.option("--resume", is_flag=True, help="跳过输出目录中已有结果的报告（中断后继续）")
@click.option("--in-process", is_flag=True, help="不使用子进程（调试用；引擎崩溃会中断整个运行）")
@click.option("--scheduler", help="在 Dask 集群上检查：tcp://主机:8786，或 local / local:N 启动本机集群（需 perfcheck[dask]）")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="什么问题算不通过：error 只有错误（退出码 1）；warning 警告也算（退出码 1，JUnit 中也记为失败）")
def check(paths, fmt, output, rule_dirs, no_builtin_rules, profile, waivers, baseline, template, jobs, timeout,
          no_cache, resume, in_process, scheduler, quiet, fail_on):
    """检查一份或多份报告（也可以是文件夹）。"""
    from .batch import BatchOptions, run_batch
    from .cache import default_dir

    prof = load_profile_or_exit(profile)
    pack = load_rules(rule_dirs, not no_builtin_rules, prof)
    meta = dict(_meta(pack, prof), fail_on=fail_on)
    inputs = expand_inputs(paths)
    if not inputs:
        click.echo(f"在 {'、'.join(paths)} 中没有找到报告文件（支持 PDF、.docx、.txt）。", err=True)
        sys.exit(2)
    per_report = not FORMATS[fmt].aggregate or template
    output = _stdout_output(output, fmt, per_report, len(inputs))
    out_dir = _output_dir(output, per_report, len(inputs))
    waiver_list = _load_or_exit(lambda: __import__("checker.review", fromlist=["x"]).load_waivers(waivers)) if waivers else []
    baseline_data = _load_or_exit(lambda: __import__("checker.review", fromlist=["x"]).load_baseline(baseline)) if baseline else None

    done = _resumed(out_dir, inputs) if resume and out_dir else {}
    todo = [s for s in inputs if s not in done]
    rule_paths = tuple(str(p) for p in _rule_paths(rule_dirs, not no_builtin_rules))
    options = BatchOptions(rule_paths, profile, jobs=min(jobs or os.cpu_count() or 1, max(len(todo), 1)),
                           timeout=timeout, cache_dir=None if no_cache else str(default_dir()), isolate=not in_process,
                           scheduler=scheduler)
    with _progress(len(todo), quiet or FORMATS[fmt].aggregate and not output) as advance:
        fresh = run_batch(todo, options, on_result=lambda r: _finished(r, out_dir, advance), pack=pack)
    by_source = {**done, **{r.source: r for r in fresh}}
    results = [by_source[s] for s in inputs]
    for result in fresh:
        for line in result.diagnostics:
            click.echo(f"内部检查警告：{result.source}：{line}", err=True)
    notices = _review(results, waiver_list, baseline_data)
    for notice in notices:
        click.echo(f"注意：{notice}", err=True)
    if per_report:
        _write_documents(results, meta, fmt, output, out_dir, template)
    else:
        _write_aggregate(results, meta, fmt, output, notices, pack)
    sys.exit(_exit_code(results, fail_on))


def _load_or_exit(load):
    try:
        return load()
    except PerfcheckError as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)


STDOUT = "-"
DEFAULT_OUT_DIR = "perfcheck-out"  # per-report documents of a batch checked without -o
BESIDE_REPORT = {".html", ".htm", ".docx"}  # documents not for a terminal: written next to the report


def _stdout_output(output, fmt: str, per_report: bool, count: int):
    """`-o -`: to the terminal, which takes one text document or any aggregate format; returns the
    output setting the rest of `check` uses (None: the default place)."""
    if output != STDOUT:
        return output
    if per_report and (FORMATS[fmt].binary or count > 1):
        click.echo("-o - 只能把一份报告的 html/md 结果输出到终端；Word 格式或多份报告请用 -o 指定文件或目录。", err=True)
        sys.exit(2)
    return STDOUT if per_report else None


def _output_dir(output, per_report: bool, count: int) -> Path | None:
    if not per_report:
        return Path(output) if output and (output.endswith(("/", os.sep)) or Path(output).is_dir()) else None
    if output == STDOUT:
        return None
    if output and (count > 1 or output.endswith(("/", os.sep)) or Path(output).is_dir()):
        return Path(output)
    if count > 1:
        out_dir = Path(DEFAULT_OUT_DIR)
        click.echo(f"未用 -o 指定输出目录：各报告的结果和汇总写入 {out_dir.resolve()}{os.sep}（可用 -o 目录/ 另选位置）。", err=True)
        return out_dir
    return None


def _beside_report(source: str, suffix: str) -> Path:
    path = Path(source)
    return path.with_name(f"{path.stem}.findings{suffix}")


def _record_path(out_dir: Path, source: str) -> Path:
    """Machine record of one report's result in a batch folder (JSON; used by --resume)."""
    digest = __import__("hashlib").sha256(str(Path(source).resolve()).encode()).hexdigest()[:10]
    return out_dir / ".perfcheck" / f"{Path(source).stem}-{digest}.json"


def _finished(result, out_dir: Path | None, advance) -> None:
    if out_dir is not None:  # keep each finished result at once: an interrupted batch loses nothing
        from .render import report_dict

        record = report_dict(result)
        record["input_sha256"] = _sha(result.source)
        write_atomic(_record_path(out_dir, result.source), json.dumps(record, ensure_ascii=False))
    advance(result)


def _sha(source: str) -> str:
    from .cache import file_digest

    try:
        return file_digest(source)
    except OSError:
        return ""


def _resumed(out_dir: Path, inputs: list[str]) -> dict:
    """Results already in the output folder for inputs whose bytes have not changed."""
    from .model import Evidence, Finding, ReportError, ReportResult, RuleSummary

    done = {}
    for source in inputs:
        path = _record_path(out_dir, source)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("input_sha256") != _sha(source) or record.get("status") == "error":
            continue
        findings = [Finding(f["rule"], f["severity"], f["subject"], f["message"],
                            [Evidence(e["page"], e["text"]) for e in f.get("evidence", [])],
                            f.get("title", ""), f.get("basis", ""), f.get("expected"), f.get("actual"),
                            f.get("outcome", "fired")) for f in record.get("findings", [])]
        rules = [RuleSummary(**r) for r in record.get("rules", [])]
        done[source] = ReportResult(source, record["status"], findings, document=record.get("document", {}), rules=rules)
    return done


class _progress:
    """A rich progress bar on a terminal; nothing when quiet or not a TTY."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.quiet = total, quiet or not sys.stderr.isatty() or total < 2
        self.errors = 0

    def __enter__(self):
        if self.quiet:
            return lambda result: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("检查报告"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("出错 {task.fields[errors]}"), TimeRemainingColumn(), transient=True,
                            console=__import__("rich.console", fromlist=["Console"]).Console(stderr=True))
        self.bar.__enter__()
        self.task = self.bar.add_task("check", total=self.total, errors=0)

        def advance(result):
            self.errors += result.status == "error"
            self.bar.update(self.task, advance=1, errors=self.errors)

        return advance

    def __exit__(self, *exc):
        if not self.quiet:
            self.bar.__exit__(*exc)
        return False


def _review(results, waiver_list, baseline_data) -> list[str]:
    from .review import add_fingerprints, apply_baseline, apply_waivers

    add_fingerprints(results)
    notices = apply_waivers(results, waiver_list) if waiver_list else []
    if baseline_data is not None:
        apply_baseline(results, baseline_data)
    return notices


def _write_aggregate(results, meta, fmt, output, notices, pack) -> None:
    from .render import to_terminal

    ran = {s.rule for r in results for s in r.rules}  # the rules the profile ran: the same list in every format
    rules = [rule for rule in pack.rules if rule.id in ran] if ran else pack.rules
    text = FORMATS[fmt].render(results, meta, notices, rules)
    if output:
        target = Path(output)
        if target.is_dir() or output.endswith(("/", os.sep)):
            target = target / f"perfcheck{FORMATS[fmt].suffix}"
        write_atomic(target, text)
        click.echo(f"已写入 {target}", err=True)
        if fmt != "text":
            click.echo(to_terminal(results, meta), nl=False)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _render_one(result, meta, fmt, template) -> str | bytes:
    if template:
        from .render.custom import render_custom

        return render_custom(template, result, meta)
    return FORMATS[fmt].render(result, meta)


def _write_documents(results, meta, fmt, output, out_dir, template) -> None:
    from .render import to_terminal
    from .render.custom import TemplateProblem, output_suffix

    suffix = output_suffix(template) if template else FORMATS[fmt].suffix
    if output == STDOUT or (out_dir is None and not output and suffix not in BESIDE_REPORT):
        try:
            click.echo(_render_one(results[0], meta, fmt, template))
        except TemplateProblem as exc:
            click.echo(exc.message, err=True)
            sys.exit(2)
        return
    links, used = {}, set()
    for result in results:
        if out_dir is None and not output and not Path(result.source).is_file():
            continue  # nothing to write beside: the summary below says the report was not found
        if out_dir is None:
            target = Path(output) if output else _beside_report(result.source, suffix)
        else:
            stem = Path(result.source).stem
            name = stem + ".findings" + suffix
            n = 2
            while name in used:
                name, n = f"{stem}-{n}.findings{suffix}", n + 1
            used.add(name)
            target = out_dir / name
        try:
            content = _render_one(result, dict(meta, output_path=str(target)), fmt, template)
        except TemplateProblem as exc:
            click.echo(exc.message, err=True)
            sys.exit(2)
        try:
            write_atomic(target, content)
        except OSError as exc:
            click.echo(f"无法写入 {target}（{exc.strerror or exc}）。请用 -o 指定可写的输出文件或目录。", err=True)
            sys.exit(2)
        links[result.source] = target.name
        state = "未能检查" if result.status == "error" else f"错误 {result.count('error')} · 警告 {result.count('warning')}"
        click.echo(f"{result.source} → 已写入 {target}（{state}）", err=True)
    if out_dir is not None and len(results) > 1:
        from .render.index import to_csv, to_index_html

        write_atomic(out_dir / "index.html", to_index_html(results, links, meta))
        write_atomic(out_dir / "index.csv", to_csv(results, links))
        click.echo(f"汇总：{out_dir / 'index.html'}、{out_dir / 'index.csv'}", err=True)
    click.echo(to_terminal(results, meta), nl=False)


def _exit_code(results, fail_on: str = "error") -> int:
    if any(r.status == "error" for r in results):
        return 2
    if any(r.count("error") or (fail_on == "warning" and r.count("warning")) for r in results):
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
        click.echo(f"[{f.kind}] {f.subject}（第{pages}页；{ANCHOR_CN[f.anchor]}）\n    {values}")


# how a fact was tied to what it is about (model.ANCHORS), as `facts` shows it
ANCHOR_CN = {"label": "据同句标签", "header": "据表头或章节标题", "title": "据列表项标题", "inferred": "按位置推断"}


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
        "kind": f.kind, "subject": f.subject, "extractor": f.extractor, "anchor": f.anchor,
        "fields": {k: enc(v) for k, v in f.fields.items()},
        "evidence": [e.as_dict() for e in f.evidence],
        "field_evidence": {k: e.as_dict() for k, e in f.field_evidence.items()},
    }


@main.command()
@click.argument("report")
@click.option("--rule", "rule_id", required=True, help="规则编号，如 execution.explanation-required")
@click.option("--subject", help="只说明名称或原文含这几个字的对象，如 --subject 智慧白云")
@click.option("--full", is_flag=True, help="每一项都给出全部细节（默认：未触发的只列一行，前几项除外）")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(), help="附加规则目录或文件")
@PROFILE_OPTION
def explain(report, rule_id, subject, full, rule_dirs, profile):
    """说明一条规则在这份报告上为何触发、未触发或无法评估。"""
    import difflib

    from .derive import derive
    from .evaluate import compile_pack, evaluate_document
    from .extract import extract
    from .ingest import load
    from .pipeline import document_summary
    from .explain import explain_rule

    prof = load_profile_or_exit(profile)
    pack = load_rules(rule_dirs, True, prof)
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
    cpack = compile_pack(pack, prof)
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
    click.echo(explain_rule(rule, result.facts, fired, cpack.ctx, subject=subject, full=full))


@main.group()
def cache():
    """事实缓存：已读取报告的事实（按文件内容和读取程序版本保存）。"""


@cache.command("info")
def cache_info():
    """缓存位置、条目数和大小。"""
    from .cache import FactCache, code_digest, default_dir

    store = FactCache(default_dir())
    count, size = store.info()
    click.echo(f"位置：{store.directory}\n条目：{count} 个，共 {size / 1024 / 1024:.1f} MB\n读取程序版本：{code_digest()}")


@cache.command("clear")
def cache_clear():
    """清空缓存（下次检查会重新读取报告）。"""
    from .cache import FactCache, default_dir

    removed = FactCache(default_dir()).clear()
    click.echo(f"已删除 {removed} 个缓存条目。")


@main.group()
def rules():
    """规则包：校验、测试、列出。"""


def _pack_paths(dirs, alone: bool) -> list[Path]:
    """A folder of one's own is checked together with the built-in pack it will be added to."""
    extra = [Path(d).resolve() for d in dirs]
    if alone or not extra:
        return extra or [rules_dir()]
    return ([] if rules_dir().resolve() in extra else [rules_dir()]) + extra


ALONE_OPTION = click.option("--alone", is_flag=True, help="只看所给目录，不与内置规则包一起校验")


@rules.command("validate")
@click.argument("dirs", nargs=-1)
@ALONE_OPTION
@PROFILE_OPTION
def rules_validate(dirs, alone, profile):
    """校验规则文件（默认内置规则包；所给目录与内置规则包一起校验），错误以 文件:行:列 报告。"""
    pack, problems = load_pack_or_exit(_pack_paths(dirs, alone), profile)
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
    from .ruletests import run_tests

    prof = load_profile_or_exit(profile)
    pack, problems = load_pack_or_exit([Path(d) for d in dirs] or [rules_dir()], prof)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"\n共 {len(problems)} 处错误，未运行测试。", err=True)
        sys.exit(2)
    if only and pack.get(only) is None:
        import difflib

        close = difflib.get_close_matches(only, [r.id for r in pack.rules], n=3, cutoff=0.4)
        click.echo(f"没有编号为“{only}”的规则。" + (f"是否想写：{'、'.join(close)}？" if close else ""), err=True)
        sys.exit(2)
    results = run_tests(pack, only, prof)
    tested = {r.rule.id for r in results}
    for rule in pack.rules:
        if rule.tests and rule.id not in tested and (not only or rule.id == only):
            click.echo(f"- {rule.id} 在配置“{prof.name}”下未启用，其 {len(rule.tests)} 个用例未运行"
                       f"（启用它的配置：{'、'.join(_enabling_profiles(rule.id)) or '无'}）")
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


def _enabling_profiles(rule_id: str) -> list[str]:
    from .profile import available, load_profile

    return [name for name in available() if rule_id in load_profile(name).enable]


@rules.command("lint")
@click.argument("dirs", nargs=-1)
def rules_lint(dirs):
    """找出可能写错的规则：无测试、无依据、永不/总是触发、条件重复。"""
    from .rulebook.lint import lint

    pack, problems = load_pack_or_exit([Path(d) for d in dirs] or [rules_dir()], "national")
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    issues = lint(pack)
    for issue in issues:
        click.echo(f"{issue}")
    click.echo(f"检查了 {len(pack.rules)} 条规则，发现 {len(issues)} 处需要注意。")
    sys.exit(1 if issues else 0)


DECIDED_CN = {"engine": "引擎判断", "mixed": "引擎判断，部分是/否由 Python 给出", "precomputed": "Python 判断"}


@rules.command("list")
@click.argument("dirs", nargs=-1)
@PROFILE_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="json：每条规则及其在该配置下是否启用、由谁判断（decided_by）、在 Python 中算出的数")
def rules_list(dirs, profile, fmt):
    """列出规则：编号、严重程度、标题；以及由规则引擎还是 Python 判断。"""
    from .evaluate import compile_pack
    from .rulebook.condition import to_text
    from .rulebook.loader import SEVERITIES

    prof = load_profile_or_exit(profile)
    pack, problems = load_pack_or_exit([Path(d) for d in dirs] or [rules_dir()], profile)
    compiled = {cr.rule.id: cr.compiled for cr in compile_pack(pack, prof).rules} if not problems else {}
    rows = []
    for rule in pack.rules:
        c = compiled.get(rule.id)
        rows.append({"id": rule.id, "severity": rule.severity, "title": rule.title, "kind": rule.kind,
                     "enabled": c is not None,
                     "decided_by": c.decided_by if c else None,
                     "computed_in_python": [to_text(node) for _, node in c.computed] if c else [],
                     "decided_in_python": ([to_text(node) for _, node in c.synthetic] + c.judgments) if c else []})
    if fmt == "json":
        on = [r for r in rows if r["enabled"]]
        engine = sum(r["decided_by"] == "engine" for r in on)
        click.echo(json.dumps({"profile": prof.name, "enabled": len(on), "decided_by_engine": engine,
                               "rules": rows}, ensure_ascii=False, indent=1))
    for row in rows if fmt == "table" else []:
        state = DECIDED_CN[row["decided_by"]] if row["enabled"] else "（该配置下停用）"
        click.echo(f"{row['id']:<36} {SEVERITIES[row['severity']]}  {row['title']}  [{state}]")
    if problems:
        click.echo(f"（另有 {len(problems)} 处错误，运行 perfcheck rules validate 查看）", err=True)
        sys.exit(2)


@main.command()
@click.option("--rules", "rules_folder", type=click.Path(), help="要编辑的规则目录（默认：内置规则包）")
@click.option("--profiles", "profiles_folder", type=click.Path(), help="配置目录（默认：内置配置）")
@PROFILE_OPTION
@click.option("--reports", "reports_folder", type=click.Path(), default=".", show_default=True,
              help="样本报告目录：修改规则时在这些报告上看影响")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；不是本机地址时须用令牌访问")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="端口（0：任选一个空闲端口）")
@click.option("--token", help="访问令牌（监听非本机地址时不给则自动生成，启动时显示）")
def serve(rules_folder, profiles_folder, profile, reports_folder, host, port, token):
    """启动规则工作台（本机网页）：在浏览器中修改规则和配置，保存前看它对样本报告的影响。"""
    from .cache import default_dir
    from .resources import profiles_dir
    from .workbench.server import ServeError, access_token, build_config, serve as run_server

    try:
        config = build_config(Path(rules_folder) if rules_folder else rules_dir(),
                              Path(profiles_folder) if profiles_folder else profiles_dir(), profile,
                              Path(reports_folder), access_token(host, token), str(default_dir()))
        run_server(config, host, port, lambda line: click.echo(line, err=True))
    except ServeError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def run() -> None:
    """Console entry: a bug of ours is reported in one Chinese line, not as a traceback
    (PERFCHECK_DEBUG=1 shows the traceback for maintainers)."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("已中断。已完成的报告结果已保存；用 --resume 可继续。", err=True)
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - last resort
        if os.environ.get("PERFCHECK_DEBUG"):
            raise
        click.echo(f"perfcheck 内部错误：{type(exc).__name__}: {exc}。请把命令和输入反馈给维护者"
                   f"（设置 PERFCHECK_DEBUG=1 可显示详细信息）。", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    run()
