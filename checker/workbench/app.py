"""The workbench's web app (Flask): pages rendered with Jinja2 (autoescaped), JSON endpoints the
editor's own small script calls as the person types, and saving.

Safe by construction: files are named by the rules folder's own list (a rule by its id, a report by
its number in the sample), never by a path from the request; every POST carries the session's CSRF
token; on an address other than 127.0.0.1 every request needs the access token; nothing is eval'd
(conditions are parsed by the project's lark grammar); the engine runs only in the worker processes.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, abort, jsonify, redirect, render_template, request, session, url_for

from ..errors import PerfcheckError
from ..profile import ProfileError, available, load_profile
from ..render.filters import SEVERITY_CN, pages_cn, status_cn
from ..rulebook.condition import Num, format_num
from ..rulebook.loader import RULE_KEYS, SEVERITIES, rule_files
from ..rulebook.schema import KINDS
from .edits import (
    Edit, EditError, Outcome, block_text, find_block, load_edited, profile_values, rule_blocks, set_profile_params,
    sha_of, splice,
)
from .settings import (
    MAX_DIFF_ROWS, MAX_EDIT_CHARS, MAX_NAME_CHARS, MAX_OPENED_TEXTS, MAX_REASON_CHARS, SECRET_BYTES,
)
from .store import Change, SaveRefused, check_unchanged, default_author, record, write_atomic
from .workers import WorkerError, Workers

def display(value) -> str:
    """A profile setting as the profiles write it (95%, 10分)."""
    return format_num(value) if isinstance(value, Num) else str(value)


CHANGE_CN = {"added": "新出现", "removed": "消失", "changed": "改变"}
CSRF_HEADER = "X-CSRF-Token"


@dataclass
class Config:
    rules_dir: Path
    profiles_dir: Path
    profile: str  # a profile name in profiles_dir
    reports: list[str]  # the sample, in the order the pages number them
    token: str = ""  # required on every request when set (a non-local address)
    cache_dir: str | None = None
    shards: int | None = None
    notes: list[str] = field(default_factory=list)  # said on the pages (a cut sample …)


class Workbench:
    """The server's state: configuration, worker processes, the texts as opened, the saved pack."""

    def __init__(self, config: Config, workers: Workers | None = None):
        self.config = config
        self.workers = workers or Workers(config.reports, config.cache_dir, config.shards)
        self.opened: OrderedDict[str, str] = OrderedDict()
        self.opened_lock = threading.Lock()
        self.save_lock = threading.Lock()
        self.unreadable: dict[str, str] = {}
        self._saved: tuple[str, Outcome] | None = None
        self._counts: tuple[tuple, dict] | None = None

    @property
    def profile_path(self) -> Path:
        return self.config.profiles_dir / f"{self.config.profile}.yaml"

    def rule_file_names(self) -> list[str]:
        return [str(p.relative_to(self.config.rules_dir)) for p in rule_files([self.config.rules_dir])]

    def rule_path(self, name: str) -> Path:
        if name not in self.rule_file_names():
            abort(404)
        return self.config.rules_dir / name

    def remember(self, text: str) -> str:
        sha = sha_of(text)
        with self.opened_lock:  # the server answers requests on several threads
            self.opened[sha] = text
            self.opened.move_to_end(sha)
            while len(self.opened) > MAX_OPENED_TEXTS:
                self.opened.popitem(last=False)
        return sha

    def opened_text(self, path: Path, sha: str) -> str:
        with self.opened_lock:
            text = self.opened.get(sha)
        if text is None:
            current = path.read_text(encoding="utf-8")
            if sha_of(current) != sha:
                raise EditError("页面打开的文件版本已不在服务器上（服务重启或文件已改）。请刷新页面后重新修改。")
            text = current
        return text

    def saved(self) -> Outcome:
        """The pack and profile as they are on disk (validated again only when a file changed)."""
        files = [*rule_files([self.config.rules_dir]), *sorted(self.config.profiles_dir.glob("*.yaml"))]
        key = sha_of("\0".join(f"{p}\0{p.read_text(encoding='utf-8')}" for p in files))
        if self._saved is None or self._saved[0] != key:
            self._saved = (key, load_edited(self.config.rules_dir, self.profile_path, Edit()))
        return self._saved[1]

    def counts(self) -> dict:
        saved = self.saved()
        key = (saved.pack.digest, saved.profile.digest) if saved.ok else None
        if key is None:
            return {}
        if self._counts is None or self._counts[0] != key:
            self._counts = (key, self.workers.rule_counts(saved.pack, saved.profile))
        return self._counts[1]

    def report_source(self, number: int) -> str:
        if not 0 <= number < len(self.config.reports):
            abort(404)
        return self.config.reports[number]


# ---------------------------------------------------------------- the app


def create_app(config: Config, workers: Workers | None = None) -> Flask:
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(SECRET_BYTES)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
                      MAX_CONTENT_LENGTH=MAX_EDIT_CHARS * 4)
    bench = Workbench(config, workers)
    app.extensions["workbench"] = bench
    app.jinja_env.filters.update(severity_cn=lambda s: SEVERITY_CN.get(s, s), status_cn=status_cn, pages_cn=pages_cn,
                                 shown=display)
    app.jinja_env.globals.update(CHANGE_CN=CHANGE_CN, SEVERITIES=SEVERITIES)

    @app.before_request
    def _guard():
        if config.token:
            given = request.args.get("token", "")
            if given and secrets.compare_digest(given, config.token):
                session["access"] = True
                return redirect(request.path)
            if not session.get("access"):
                return render_template("denied.html"), 403
        if request.method == "POST":
            sent = request.headers.get(CSRF_HEADER) or request.form.get("csrf_token", "")
            if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
                return jsonify(ok=False, message="请求缺少有效的安全令牌（CSRF）。请刷新页面后重试。"), 400
        return None

    @app.context_processor
    def _common():
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(SECRET_BYTES)
        return {"csrf_token": session["csrf"], "profile_name": config.profile, "notes": config.notes,
                "rules_dir": config.rules_dir, "report_count": len(config.reports)}

    @app.errorhandler(404)
    def _not_found(_):
        return render_template("message.html", title="找不到", message="没有这个页面、规则或报告。"), 404

    @app.errorhandler(WorkerError)
    def _worker_failed(exc):
        return _failure(str(exc))

    @app.errorhandler(PerfcheckError)
    def _perfcheck_error(exc):
        return _failure(exc.message)

    _pages(app, bench)
    _api(app, bench)
    return app


def _failure(message: str):
    if request.path.startswith("/api/") or request.method == "POST":
        return jsonify(ok=False, message=message), 400
    return render_template("message.html", title="出错了", message=message), 400


# ---------------------------------------------------------------- pages


def _pages(app: Flask, bench: Workbench) -> None:
    @app.get("/")
    def rules_page():
        saved = bench.saved()
        if not saved.ok:
            return render_template("broken.html", outcome=saved), 200
        counts = bench.counts()
        areas: dict[str, list] = {}
        profile = saved.profile
        for rule in saved.pack.rules:
            on = (rule.enabled or rule.id in profile.enable) and rule.id not in profile.disable
            areas.setdefault(Path(rule.source).name, []).append(
                {"rule": rule, "on": on, "severity": profile.severity.get(rule.id, rule.severity),
                 "counts": counts.get(rule.id, {})})
        return render_template("rules.html", areas=areas, pack=saved.pack)

    @app.get("/profiles")
    def profiles_page():
        names = available()
        profiles, errors = {}, {}
        for name in names:
            try:
                profiles[name] = load_profile(name)
            except ProfileError as exc:
                errors[name] = exc.message
        params = list(dict.fromkeys(k for p in profiles.values() for k in p.params))
        own = {n: profile_values((bench.config.profiles_dir / f"{n}.yaml").read_text(encoding="utf-8")) for n in names}
        return render_template("profiles.html", names=names, profiles=profiles, errors=errors, params=params, own=own)

    @app.get("/rule/<rule_id>")
    def rule_page(rule_id: str):
        for name in bench.rule_file_names():
            path = bench.config.rules_dir / name
            text = path.read_text(encoding="utf-8")
            block = next((b for b in rule_blocks(text) if b.rule_id == rule_id), None)
            if block is not None:
                saved = bench.saved()
                rule = saved.pack.get(rule_id) if saved.pack else None
                kind = rule.kind if rule else None
                return render_template(
                    "rule.html", rule_id=rule_id, file=name, sha=bench.remember(text), block=block,
                    text=block_text(text, block), rule=rule, kind=kind, kinds=KINDS, rule_keys=RULE_KEYS,
                    params=saved.profile.params if saved.profile else {}, author=default_author(),
                    reports=_report_names(bench))
        abort(404)

    @app.get("/profile")
    def profile_page():
        path = bench.profile_path
        text = path.read_text(encoding="utf-8")
        saved = bench.saved()
        own = profile_values(text)
        effective = {k: display(v) for k, v in (saved.profile.params.items() if saved.profile else [])}
        names = list(dict.fromkeys([*own, *effective]))
        return render_template("profile.html", file=path.name, sha=bench.remember(text), own=own, effective=effective,
                               names=names, author=default_author(), reports=_report_names(bench), text=text)

    @app.get("/reports")
    def reports_page():
        return render_template("reports.html", reports=_report_names(bench), unreadable=bench.unreadable)

    @app.get("/report/<int:number>")
    def report_page(number: int):
        source = bench.report_source(number)
        saved = bench.saved()
        if not saved.ok:
            return render_template("broken.html", outcome=saved), 200
        detail = bench.workers.report(saved.pack, saved.profile, source)
        return render_template("report.html", number=number, name=Path(source).name, detail=detail,
                               titles={r.id: r.title for r in saved.pack.rules})


def _report_names(bench: Workbench) -> list[str]:
    return [Path(s).name for s in bench.config.reports]


# ---------------------------------------------------------------- JSON endpoints


def _edit_of(bench: Workbench, body: dict) -> tuple[Edit, dict]:
    """The edit a request describes, against the text as opened; and where the edited part stands."""
    kind = body.get("kind")
    sha = str(body.get("sha", ""))
    if kind == "rule":
        name = str(body.get("file", ""))
        path = bench.rule_path(name)
        text = str(body.get("text", ""))
        if len(text) > MAX_EDIT_CHARS:
            raise EditError("修改的内容过长。")
        opened = bench.opened_text(path, sha)
        block = find_block(opened, str(body.get("rule_id", "")))
        edited = splice(opened, block, text)
        return Edit(rule_files={name: edited}), {"path": path, "start": block.start, "lines": text.count("\n") + 1,
                                                 "what": f"规则 {body.get('rule_id')}", "text": edited}
    if kind == "profile":
        path = bench.profile_path
        params = body.get("params") or {}
        if not isinstance(params, dict):
            raise EditError("参数应为“名称: 值”。")
        opened = bench.opened_text(path, sha)
        edited = set_profile_params(opened, {str(k): str(v) for k, v in params.items()})
        changed = [k for k, v in params.items() if profile_values(opened).get(str(k)) != str(v).strip()]
        return Edit(profile_text=edited), {"path": path, "start": 0, "lines": 0, "text": edited,
                                           "what": f"配置 {bench.config.profile} 参数 {'、'.join(changed) or '（无变化）'}"}
    raise EditError("不认识的修改类型。")


def _problems(outcome: Outcome, where: dict) -> list[dict]:
    out = []
    for p in outcome.problems:
        inside = (Path(p.file).resolve() == where["path"].resolve() and where["start"]
                  and where["start"] <= p.line < where["start"] + where["lines"])
        out.append({"line": p.line - where["start"] + 1 if inside else None, "column": p.column,
                    "message": p.message, "where": f"{Path(p.file).name}:{p.line}:{p.column}", "text": str(p)})
    if outcome.profile_error:
        out.append({"line": None, "column": 0, "message": outcome.profile_error, "where": "", "text": outcome.profile_error})
    return out


def _edited_rule_id(outcome: Outcome, where: dict) -> str | None:
    for rule in outcome.pack.rules if outcome.pack else []:
        if Path(rule.source).resolve() == where["path"].resolve() and rule.line == where["start"]:
            return rule.id
    return None


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise EditError("请求格式不对（应为 JSON）。")
    return body


def _api(app: Flask, bench: Workbench) -> None:
    @app.post("/api/check")
    def check():
        body = _body()
        edit, where = _edit_of(bench, body)
        outcome = load_edited(bench.config.rules_dir, bench.profile_path, edit)
        problems = _problems(outcome, where)
        tests: list[dict] = []
        if outcome.ok:
            only = _edited_rule_id(outcome, where) if body.get("kind") == "rule" else None
            tests = bench.workers.tests(outcome.pack, outcome.profile, only)
        failed = [t for t in tests if not t["ok"]]
        return jsonify(ok=outcome.ok and not failed, problems=problems, tests=tests, failed=len(failed),
                       html=render_template("_checks.html", problems=problems, tests=tests, failed=failed,
                                            kind=body.get("kind")))

    @app.post("/api/impact")
    def impact():
        body = _body()
        edit, _ = _edit_of(bench, body)
        outcome = load_edited(bench.config.rules_dir, bench.profile_path, edit)
        saved = bench.saved()
        if not outcome.ok or not saved.ok:
            return jsonify(ok=False, message="规则包或配置有错误，改正后才能计算影响。")
        result = bench.workers.impact((saved.pack, saved.profile), (outcome.pack, outcome.profile))
        numbers = {s: i for i, s in enumerate(bench.config.reports)}
        rows = [dict(row, report=Path(source).name, number=numbers[source])
                for source in bench.config.reports for row in result["rows"].get(source, [])][:MAX_DIFF_ROWS]
        per_rule: dict[str, dict] = {}
        per_report: dict[tuple, dict] = {}
        for row in rows:
            per_rule.setdefault(row["rule"], dict.fromkeys(CHANGE_CN, 0))[row["change"]] += 1
            per_report.setdefault((row["number"], row["report"]), dict.fromkeys(CHANGE_CN, 0))[row["change"]] += 1
        html = render_template("_impact.html", result=result, rows=rows, per_rule=per_rule, per_report=per_report)
        return jsonify(ok=True, html=html, total=result["total_rows"], seconds=round(result["seconds"], 3),
                       evaluated_rules=result["evaluated_rules"], evaluated_docs=result["evaluated_docs"])

    @app.post("/api/explain")
    def explain():
        body = _body()
        edit, _ = _edit_of(bench, body) if body.get("kind") else (Edit(), {})
        outcome = load_edited(bench.config.rules_dir, bench.profile_path, edit)
        if not outcome.ok:
            return jsonify(ok=False, message="规则包或配置有错误，无法说明。")
        source = bench.report_source(int(body.get("report", -1)))
        text = bench.workers.explain(outcome.pack, outcome.profile, source, str(body.get("rule", "")),
                                     str(body.get("subject") or "") or None)
        return jsonify(ok=True, text=text)

    @app.post("/api/save")
    def save():
        body = _body()
        who = str(body.get("who") or "").strip()[:MAX_NAME_CHARS] or default_author()
        why = str(body.get("why") or "").strip()
        if not why:
            return jsonify(ok=False, message="请填写修改原因（会记入修改记录）。")
        if len(why) > MAX_REASON_CHARS:
            return jsonify(ok=False, message=f"修改原因请不超过 {MAX_REASON_CHARS} 字。")
        with bench.save_lock:
            try:
                message = _save(bench, body, who, why)
            except SaveRefused as exc:
                return jsonify(ok=False, message=exc.message, details=exc.details)
        return jsonify(ok=True, message=message)


def _save(bench: Workbench, body: dict, who: str, why: str) -> str:
    edit, where = _edit_of(bench, body)
    check_unchanged(where["path"], str(body.get("sha", "")))
    outcome = load_edited(bench.config.rules_dir, bench.profile_path, edit)
    if not outcome.ok:
        raise SaveRefused("修改后的规则包或配置有错误，未保存：", [p["text"] for p in _problems(outcome, where)])
    failed = [t for t in bench.workers.tests(outcome.pack, outcome.profile) if not t["ok"]]
    if failed:
        raise SaveRefused(f"有 {len(failed)} 个测试用例不通过，未保存：",
                          [f"{t['rule']} · {t['name']}（{Path(t['source']).name}:{t['line']}）：{t['detail']}" for t in failed])
    write_atomic(where["path"], where["text"])
    done = record(Change(where["path"], where["what"], who, why))
    bench.remember(where["text"])
    return f"已保存 {where['path'].name}。{done}"
