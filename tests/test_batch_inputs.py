"""Batches with awkward inputs: owner-only encryption, a 300-page report, an interrupted run."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from checker.cli import main

from conftest import EXAMPLE_PDF, EXAMPLE_TXT, ROOT


def test_pdf_encrypted_without_a_user_password_is_checked(tmp_path: Path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "owner-only.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0))
    c.drawString(100, 700, "2023 report")
    c.showPage(), c.save()
    data = json.loads(CliRunner().invoke(main, ["check", str(path), "--format", "json", "--in-process"]).stdout)
    assert data["reports"][0]["status"] == "checked"


def test_three_hundred_pages(tmp_path: Path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "long.pdf"
    c = canvas.Canvas(str(path))
    for page in range(1, 301):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 780, f"某局2023年部门整体支出绩效自评报告（第{page}部分）")
        for line in range(40):
            c.drawString(72, 750 - line * 17, f"第{page}.{line}项工作按计划推进，年初预算{page + line}.00万元，实际支出{page + line}.00万元。")
        c.showPage()
    c.save()
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", "--timeout", "600"])
    report = json.loads(result.stdout)["reports"][0]
    assert report["status"] == "checked" and report["summary"]["error"] == 0


def test_interrupted_batch_keeps_finished_results_and_resumes(tmp_path: Path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(8):
        shutil.copy(EXAMPLE_PDF if i % 2 else EXAMPLE_TXT, inputs / f"r{i}{'.pdf' if i % 2 else '.txt'}")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "checker.cli", "check", str(inputs), "--format", "html", "-o", f"{out}/", "--jobs", "1",
           "--no-cache", "-q"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    records = out / ".perfcheck"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(records.glob("*.json")) if records.exists() else []) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    proc.communicate(timeout=120)
    finished = list(records.glob("*.json"))
    assert 2 <= len(finished) < 8
    for record in finished:
        assert json.loads(record.read_text(encoding="utf-8"))["status"] == "checked"  # never half-written
    assert not list(out.glob(".*.tmp*")) and not list(records.glob(".*"))
    resumed = subprocess.run(cmd + ["--resume"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 1  # the example's errors; every report checked
    assert len(list(records.glob("*.json"))) == 8 and len(list(out.glob("*.findings.html"))) == 8
    assert (out / "index.csv").read_text(encoding="utf-8-sig").count("\n") == 9
