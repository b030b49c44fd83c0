"""Screenshots of the rule workbench's main pages for docs/ (docs/workbench-*.png).

Starts `perfcheck serve` on copies of rules/ and profiles/ (nothing of the checkout is written) with the
example report and tests/variants as the sample, drives Debian's Chromium through Playwright, makes one
edit (the explanation threshold 95% → 90%, and a broken `when:`) and photographs each page.

    .venv/bin/python tools/workbench_screenshots.py [--out docs]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 1000}
START_TIMEOUT_S = 120
IMPACT_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workspace(into: Path) -> dict:
    """Copies of the rule pack and profiles, and the sample: the example report and the test variants."""
    shutil.copytree(ROOT / "rules", into / "rules")
    shutil.copytree(ROOT / "profiles", into / "profiles")
    reports = into / "reports"
    reports.mkdir()
    for path in [ROOT / "examples" / "baiyun-2023.pdf", ROOT / "examples" / "baiyun-2023.txt",
                 *sorted((ROOT / "tests" / "variants").glob("*.txt"))]:
        shutil.copy2(path, reports / path.name)
    write_threshold_variant(reports / "project-prose-92.txt")
    return {"rules": into / "rules", "profiles": into / "profiles", "reports": reports}


def write_threshold_variant(path: Path) -> None:
    """tests/variants/project-prose.txt with the project spending 92.2 % and giving no reason: a finding
    under the 95 % threshold that a 90 % threshold removes."""
    text = (ROOT / "tests" / "variants" / "project-prose.txt").read_text(encoding="utf-8")
    text = text.replace("全年执行数1,095.00万元，预算执行率73%", "全年执行数1,383.00万元，预算执行率92.2%")
    if "92.2%" not in text:
        raise RuntimeError("tests/variants/project-prose.txt changed: update write_threshold_variant")
    path.write_text(text, encoding="utf-8")


def start_server(folders: dict, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    perfcheck = Path(sys.executable).with_name("perfcheck")
    process = subprocess.Popen(
        [str(perfcheck), "serve", "--rules", str(folders["rules"]), "--profiles", str(folders["profiles"]),
         "--reports", str(folders["reports"]), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env or os.environ.copy())
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"perfcheck serve exited: {process.stdout.read()}")
        try:
            urllib.request.urlopen(url + "reports", timeout=5).read()
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("perfcheck serve did not start in time")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def edit_threshold(page, url: str, value: str) -> None:
    page.goto(url + "profile")
    page.fill("#p-explanation_threshold", value)
    page.wait_for_selector("#impact .impact-summary", timeout=IMPACT_TIMEOUT_MS)


def break_when(page, url: str, rule_id: str) -> None:
    page.goto(url + f"rule/{rule_id}")
    text = page.input_value("#source")
    page.fill("#source", re.sub(r"when: .*", "when: coalesce(rate_stated < and", text, count=1))
    page.wait_for_selector("#checks .problems", timeout=IMPACT_TIMEOUT_MS)
    page.click("#checks a.goto")  # the editor scrolls to the line of the error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    out = Path(parser.parse_args().out)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folders = workspace(Path(tmp))
        env = dict(os.environ, PERFCHECK_CACHE_DIR=str(Path(tmp) / "cache"))
        process, url = start_server(folders, env)
        try:
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(url)
                page.screenshot(path=str(out / "workbench-rules.png"))
                page.goto(url + "profiles")
                page.screenshot(path=str(out / "workbench-profiles.png"))
                edit_threshold(page, url, "90%")
                page.screenshot(path=str(out / "workbench-impact.png"), full_page=True)
                break_when(page, url, "execution.explanation-required")
                page.screenshot(path=str(out / "workbench-rule-error.png"))
                page.goto(url + "report/0")
                page.screenshot(path=str(out / "workbench-report.png"))
                browser.close()
        finally:
            stop_server(process)
    print(f"screenshots written to {out}/workbench-*.png")


if __name__ == "__main__":
    main()
