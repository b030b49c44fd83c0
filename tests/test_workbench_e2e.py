"""The workbench end to end in real headless Chromium (Debian's /usr/bin/chromium via Playwright):
`perfcheck serve` on copies of the rules and profiles with the example report (PDF and text) and the
test variants; break a rule's `when:` and see the error at its line; change the explanation threshold
from 95% to 90%, see the impact table list the finding that goes away, save, and `perfcheck check`
then gives the same findings.

Skipped, with the reason, where Chromium or Playwright is missing (CI installs both: .ci/run installs
chromium through apt, and playwright is in the test extra).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

TOOL = ROOT / "tools" / "workbench_screenshots.py"
RULE = "execution.explanation-required"
WAIT_MS = 60_000


def _tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("workbench_screenshots_e2e", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _why_not() -> str:
    tool = _tool()
    if not Path(tool.CHROMIUM).is_file():
        return f"{tool.CHROMIUM} not installed (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed (pip install -e '.[test]')"
    return ""


pytestmark = pytest.mark.skipif(bool(_why_not()) and os.environ.get("CI") != "true", reason=_why_not() or "ok")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tool = _tool()
    tmp = tmp_path_factory.mktemp("workbench-e2e")
    folders = tool.workspace(tmp)
    env = dict(os.environ, PERFCHECK_CACHE_DIR=str(tmp / "cache"))
    process, url = tool.start_server(folders, env)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = tool.launch(p)
        page = browser.new_page(viewport=tool.VIEWPORT)
        yield tool, folders, env, url, page
        browser.close()
    tool.stop_server(process)


def test_the_sample_is_the_example_and_the_variants(served):
    _, folders, _, url, page = served
    page.goto(url + "reports")
    names = page.locator("ol li a").all_inner_texts()
    assert "baiyun-2023.pdf" in names and "baiyun-2023.txt" in names and "project-form-table.txt" in names
    page.goto(url)
    assert page.locator(f'a[href="/rule/{RULE}"]').count() == 1


def test_a_broken_when_shows_its_error_at_the_line(served):
    _, folders, _, url, page = served
    before = (folders["rules"] / "execution.yaml").read_bytes()
    page.goto(url + f"rule/{RULE}")
    text = page.input_value("#source")
    when_line = next(i for i, line in enumerate(text.splitlines()) if line.strip().startswith("when:"))
    page.fill("#source", re.sub(r"when: .*", "when: coalesce(rate_stated < and", text, count=1))
    page.wait_for_selector("#checks .problems", timeout=WAIT_MS)
    assert "触发条件（when）无法解析" in page.inner_text("#checks")
    first = int(page.get_attribute("#editor", "data-first-line"))
    marked = page.inner_text(".gutter .err")
    assert marked.startswith(str(first + when_line))  # the gutter shows file line numbers
    assert "暂不计算影响" in page.inner_text("#impact")
    assert (folders["rules"] / "execution.yaml").read_bytes() == before  # nothing written while editing


def test_threshold_90_impact_save_and_the_cli_agrees(served):
    tool, folders, env, url, page = served
    tool.edit_threshold(page, url, "90%")
    impact = page.inner_text("#impact")
    rows = page.locator("#impact-table tbody tr.removed")
    assert rows.count() >= 1, impact
    assert "project-prose-92.txt" in rows.first.inner_text() and RULE in rows.first.inner_text()
    rows.first.locator("summary").first.click()
    rows.first.locator("button.explain").first.click()
    page.wait_for_function("document.getElementById('explain-text').textContent.includes('结论')", timeout=WAIT_MS)
    page.fill("#save input[name=why]", "按四川省填报说明，执行率低于90%才须说明原因")
    page.click("#save button[type=submit]")
    page.wait_for_selector("#saved .ok", timeout=WAIT_MS)
    assert "已保存 national.yaml" in page.inner_text("#saved")
    saved = (folders["profiles"] / "national.yaml").read_text(encoding="utf-8")
    assert "explanation_threshold: 90%" in saved and saved.startswith("# 全国通用口径")
    assert "按四川省填报说明" in (folders["profiles"] / "CHANGELOG.md").read_text(encoding="utf-8")
    # the report page (saved pack) and the command line give the same findings
    page.goto(url + "reports")
    number = page.locator("ol li a").all_inner_texts().index("project-prose-92.txt")
    page.goto(url + f"report/{number}")
    shown = sorted(page.locator(".side .finding code").all_inner_texts())
    source = str(folders["reports"] / "project-prose-92.txt")
    out = subprocess.run([str(Path(sys.executable).with_name("perfcheck")), "check", source, "--rules",
                          str(folders["rules"]), "--no-builtin-rules", "--format", "json"], capture_output=True,
                         text=True, env=dict(env, PERFCHECK_PROFILES=str(folders["profiles"])))
    (report,) = json.loads(out.stdout)["reports"]
    assert sorted(f["rule"] for f in report["findings"]) == shown
    assert not any(f["rule"] == RULE and f["outcome"] == "fired" for f in report["findings"])
