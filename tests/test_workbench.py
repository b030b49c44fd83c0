"""The rule workbench through Flask's test client: pages, live checking, impact, saving and safety.

Every test works on copies of rules/ and profiles/ in a tmp folder; nothing of the checkout is written.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE_TXT, ROOT
from checker.workbench.edits import block_text, find_block, rule_blocks, set_profile_params, splice

XSS = "<script>alert('x')</script>"
RULE = "execution.explanation-required"


def _screenshots_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("workbench_screenshots", ROOT / "tools" / "workbench_screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """A workbench on copies of the pack and profiles, with the example (.txt), the variants, a 92.2 %
    project without a reason and a report whose text tries to inject a script."""
    import os

    from checker.workbench.app import Config, create_app

    tmp = tmp_path_factory.mktemp("workbench")
    for name in ("rules", "profiles"):
        shutil.copytree(ROOT / name, tmp / name)
    reports = tmp / "reports"
    reports.mkdir()
    for path in [EXAMPLE_TXT, *sorted((ROOT / "tests" / "variants").glob("*.txt"))]:
        shutil.copy2(path, reports / path.name)
    _screenshots_tool().write_threshold_variant(reports / "project-prose-92.txt")
    injected = (ROOT / "tests" / "variants" / "project-prose.txt").read_text(encoding="utf-8")
    (reports / "zz-injected.txt").write_text(injected.replace("高标准农田建设项目", f"高标准农田{XSS}建设项目"), encoding="utf-8")
    old = os.environ.get("PERFCHECK_PROFILES")
    os.environ["PERFCHECK_PROFILES"] = str(tmp / "profiles")
    sources = sorted(str(p) for p in reports.iterdir())
    app = create_app(Config(tmp / "rules", tmp / "profiles", "national", sources, cache_dir=None, shards=1))
    app.testing = True
    yield app, tmp
    app.extensions["workbench"].workers.close()
    if old is None:
        os.environ.pop("PERFCHECK_PROFILES", None)
    else:
        os.environ["PERFCHECK_PROFILES"] = old


def _client(app):
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client, {"X-CSRF-Token": token}


def _opened(client, path: str) -> str:
    return re.search(r'data-sha="([0-9a-f]{64})"', client.get(path).get_data(as_text=True)).group(1)


def _rule_text(tmp: Path, change=lambda t: t) -> str:
    text = (tmp / "rules" / "execution.yaml").read_text(encoding="utf-8")
    return change(block_text(text, find_block(text, RULE)))


def _rule_body(client, tmp, change=lambda t: t, **extra) -> dict:
    return {"kind": "rule", "file": "execution.yaml", "rule_id": RULE, "sha": _opened(client, f"/rule/{RULE}"),
            "text": _rule_text(tmp, change), **extra}


def _threshold_body(client, value: str, **extra) -> dict:
    return {"kind": "profile", "sha": _opened(client, "/profile"), "params": {"explanation_threshold": value}, **extra}


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("path, words", [
    ("/", ["规则（", RULE, "触发报告数"]), ("/profiles", ["地方口径配置对比", "sichuan", "90%"]),
    (f"/rule/{RULE}", ["编辑规则", "字段参考", "rate_stated"]), ("/profile", ["修改配置", "explanation_threshold"]),
    ("/reports", ["样本报告"]), ("/report/0", ["审核意见", "各规则结论", "<mark"]),
])
def test_pages_render_in_chinese(bench, path, words):
    client, _ = _client(bench[0])
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert all(word in page for word in words), [w for w in words if w not in page]


def test_rules_page_counts_findings_on_the_sample(bench):
    client, _ = _client(bench[0])
    page = client.get("/").get_data(as_text=True)
    row = page[page.index('href="/rule/budget.unit-anomaly"'):]
    counts = re.findall(r'<td class="num">(\d+)</td>', row[: row.index("</tr>")])
    assert int(counts[0]) >= 1  # the example's unit slip is an error


def test_report_text_is_escaped(bench):
    app, _ = bench
    client, _ = _client(app)
    number = len(app.extensions["workbench"].config.reports) - 1  # zz-injected.txt
    page = client.get(f"/report/{number}").get_data(as_text=True)
    assert "zz-injected.txt" in page and XSS not in page and "&lt;script&gt;" in page


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize("path", ["/rule/..%2F..%2Fetc%2Fpasswd", "/report/999", "/report/-1", "/static/../app.py"])
def test_nothing_outside_the_folders(bench, path):
    client, _ = _client(bench[0])
    assert client.get(path).status_code == 404


def test_no_file_outside_the_rules_folder_by_name(bench):
    client, headers = _client(bench[0])
    body = {"kind": "rule", "file": "../profiles/national.yaml", "rule_id": RULE, "sha": "0" * 64, "text": "x"}
    assert client.post("/api/check", json=body, headers=headers).status_code == 404


def test_posts_need_the_csrf_token(bench):
    client, _ = _client(bench[0])
    response = client.post("/api/check", json={"kind": "profile"})
    assert response.status_code == 400 and "CSRF" in response.get_json()["message"]
    response = client.post("/api/check", json={"kind": "profile"}, headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 400


def test_a_token_is_required_off_localhost(bench):
    from checker.workbench.app import Config, create_app

    app, tmp = bench
    config = app.extensions["workbench"].config
    guarded = create_app(Config(config.rules_dir, config.profiles_dir, "national", config.reports, token="s3cret"),
                         workers=app.extensions["workbench"].workers)
    client = guarded.test_client()
    assert client.get("/reports").status_code == 403
    assert "令牌" in client.get("/reports").get_data(as_text=True)
    assert client.get("/reports?token=s3cret").status_code == 302
    assert client.get("/reports").status_code == 200


def test_bad_requests_get_a_chinese_message_not_a_traceback(bench):
    client, headers = _client(bench[0])
    for body in ({"kind": "nonsense"}, {"kind": "rule", "file": "execution.yaml", "rule_id": RULE, "sha": "x"},
                 {"kind": "profile", "sha": _opened(client, "/profile"), "params": ["not", "a", "mapping"]}):
        response = client.post("/api/check", json=body, headers=headers)
        assert response.status_code == 400 and re.search(r"[\u4e00-\u9fff]", response.get_json()["message"])
    response = client.post("/api/check", data="not json", headers=headers)
    assert response.status_code == 400


# ---------------------------------------------------------------- live checking and impact


def test_a_broken_when_is_reported_at_its_line(bench):
    client, headers = _client(bench[0])
    body = _rule_body(client, bench[1], lambda t: re.sub(r"when: .*", "when: coalesce(rate_stated < and", t, count=1))
    result = client.post("/api/check", json=body, headers=headers).get_json()
    assert not result["ok"]
    (problem,) = result["problems"]
    when_line = next(i for i, line in enumerate(body["text"].splitlines(), 1) if line.strip().startswith("when:"))
    assert problem["line"] == when_line and "触发条件（when）无法解析" in problem["message"]
    assert problem["where"].startswith("execution.yaml:")


def test_an_edit_runs_the_rule_tests(bench):
    client, headers = _client(bench[0])
    body = _rule_body(client, bench[1], lambda t: t.replace("< profile.explanation_threshold", "< 50%", 1))
    result = client.post("/api/check", json=body, headers=headers).get_json()
    assert {t["rule"] for t in result["tests"]} == {RULE}
    assert result["failed"] >= 1 and "测试用例" in result["html"]


def test_the_threshold_impact_lists_the_finding_that_goes_away(bench):
    client, headers = _client(bench[0])
    result = client.post("/api/impact", json=_threshold_body(client, "90%"), headers=headers).get_json()
    assert result["ok"] and result["total"] >= 1
    assert "project-prose-92.txt" in result["html"] and "消失" in result["html"]
    assert result["evaluated_rules"] < 5  # only the rules that read the threshold are evaluated again


def test_explain_under_the_edit(bench):
    app, _ = bench
    client, headers = _client(app)
    number = [Path(s).name for s in app.extensions["workbench"].config.reports].index("project-prose-92.txt")
    saved = client.post("/api/explain", json={"report": number, "rule": RULE}, headers=headers).get_json()
    edited = client.post("/api/explain", json=dict(_threshold_body(client, "90%"), report=number, rule=RULE),
                         headers=headers).get_json()
    assert "结论：触发" in saved["text"] and "结论：未触发" in edited["text"]


# ---------------------------------------------------------------- saving


def test_save_needs_a_reason_and_refuses_failing_tests(bench):
    client, headers = _client(bench[0])
    before = (bench[1] / "rules" / "execution.yaml").read_bytes()
    result = client.post("/api/save", json=_rule_body(client, bench[1], why=""), headers=headers).get_json()
    assert not result["ok"] and "原因" in result["message"]
    body = _rule_body(client, bench[1], lambda t: t.replace("< profile.explanation_threshold", "< 50%", 1), why="试")
    result = client.post("/api/save", json=body, headers=headers).get_json()
    assert not result["ok"] and "测试用例" in result["message"] and any(RULE in d for d in result["details"])
    body = _rule_body(client, bench[1], lambda t: t.replace("when: ", "when: (", 1), why="试")
    result = client.post("/api/save", json=body, headers=headers).get_json()
    assert not result["ok"] and "错误" in result["message"] and result["details"]
    assert (bench[1] / "rules" / "execution.yaml").read_bytes() == before


def test_save_refuses_a_file_changed_since_it_was_opened(bench):
    client, headers = _client(bench[0])
    path = bench[1] / "rules" / "execution.yaml"
    body = _rule_body(client, bench[1], lambda t: t.replace("但该项目下没有说明原因", "但没有说明原因", 1), why="措辞")
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n# 别人加的一行\n", encoding="utf-8")
    try:
        result = client.post("/api/save", json=body, headers=headers).get_json()
        assert not result["ok"] and "已被修改" in result["message"]
    finally:
        path.write_text(original, encoding="utf-8")


def test_saving_a_rule_changes_only_its_lines_and_logs_it(bench):
    client, headers = _client(bench[0])
    path = bench[1] / "rules" / "execution.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    body = _rule_body(client, bench[1], lambda t: t.replace("但该项目下没有说明原因", "但没有说明原因", 1),
                      who="张三", why="措辞更简洁")
    result = client.post("/api/save", json=body, headers=headers).get_json()
    assert result["ok"], result
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) and sum(a != b for a, b in zip(before, after)) == 1
    log = (bench[1] / "rules" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "张三" in log and "措辞更简洁" in log and RULE in log


def test_saving_a_setting_keeps_comments_and_the_cli_agrees(bench, tmp_path):
    app, tmp = bench
    client, headers = _client(app)
    path = tmp / "profiles" / "national.yaml"
    before = path.read_text(encoding="utf-8")
    result = client.post("/api/save", json=_threshold_body(client, "90%", who="李四", why="按四川填报说明"),
                         headers=headers).get_json()
    try:
        assert result["ok"], result
        after = path.read_text(encoding="utf-8")
        assert after == before.replace("explanation_threshold: 95%", "explanation_threshold: 90%")
        assert "李四" in (tmp / "profiles" / "CHANGELOG.md").read_text(encoding="utf-8")
        _cli_gives_the_workbench_findings(app, tmp, tmp_path)
    finally:
        path.write_text(before, encoding="utf-8")


def _cli_gives_the_workbench_findings(app, tmp: Path, work: Path) -> None:
    import json
    import os
    import sys

    bench = app.extensions["workbench"]
    source = next(s for s in bench.config.reports if s.endswith("project-prose-92.txt"))
    saved = bench.saved()
    findings, _ = bench.workers.findings(saved.pack, saved.profile, source)
    env = dict(os.environ, PERFCHECK_PROFILES=str(tmp / "profiles"), PERFCHECK_CACHE_DIR=str(work / "cache"))
    out = subprocess.run([str(Path(sys.executable).with_name("perfcheck")), "check", source, "--rules", str(tmp / "rules"),
                          "--no-builtin-rules", "--format", "json"], capture_output=True, text=True, env=env)
    (report,) = json.loads(out.stdout)["reports"]
    assert sorted((f["rule"], f["subject"], f["severity"], f["message"]) for f in report["findings"]) == \
        sorted((f.rule, f.subject, f.severity, f.message) for f in findings)  # the JSON lists errors first
    assert not any(f["rule"] == RULE and f["outcome"] == "fired" for f in report["findings"])


def test_a_git_folder_gets_a_commit(tmp_path):
    from checker.workbench.store import Change, record

    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    git = ["git", "-C", str(folder)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@t", "add", "."], check=True)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"], check=True)
    path = folder / "execution.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (folder / "unrelated.txt").write_text("staged by someone else", encoding="utf-8")
    subprocess.run([*git, "add", "unrelated.txt"], check=True)
    done = record(Change(path, f"规则 {RULE}", "王五", "测试提交"))
    assert "git" in done
    log = subprocess.run([*git, "log", "-1", "--format=%an%n%s", "--name-only"], capture_output=True, text=True).stdout
    assert "王五" in log and "测试提交" in log and "execution.yaml" in log and "unrelated.txt" not in log
    assert not (folder / "CHANGELOG.md").exists()


# ---------------------------------------------------------------- the edit model


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "rules").glob("*.yaml")))
def test_every_rule_block_splices_back_byte_identical(name):
    text = (ROOT / "rules" / name).read_text(encoding="utf-8")
    blocks = rule_blocks(text)
    assert blocks and all(b.rule_id for b in blocks)
    for block in blocks:
        assert splice(text, block, block_text(text, block)) == text
        assert block_text(text, block).lstrip().startswith(f"- id: {block.rule_id}")


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "profiles").glob("*.yaml")))
def test_profile_settings_round_trip(name):
    text = (ROOT / "profiles" / name).read_text(encoding="utf-8")
    assert set_profile_params(text, {}) == text
    changed = set_profile_params(text, {"explanation_threshold": "88%"})
    assert "explanation_threshold: 88%" in changed
    assert [line for line in changed.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_serve_with_a_missing_folder_says_so(tmp_path):
    import sys

    perfcheck = Path(sys.executable).with_name("perfcheck")
    out = subprocess.run([str(perfcheck), "serve", "--reports", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert out.returncode == 2 and "样本报告目录不存在" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([str(perfcheck), "serve", "--reports", str(tmp_path), "--profile", "atlantis"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "没有配置“atlantis”" in out.stderr


def test_the_web_process_never_loads_the_rule_engine():
    """durable_rules is not thread-safe: the server's modules do not even import it (the engine is
    reached only through named tasks run in the worker processes)."""
    import sys

    code = ("import sys, checker.workbench.app, checker.workbench.workers, checker.workbench.server; "
            "print(sorted(m for m in sys.modules if m.startswith(('durable', 'checker.engine', 'checker.evaluate'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
