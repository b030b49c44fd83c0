"""The HTML findings report printed by real headless Chromium: A4 pages, the finding and its page."""
import logging
import shutil
import unicodedata
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from checker.cli import main

from conftest import EXAMPLE_PDF

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
logging.getLogger("pdfminer").setLevel(logging.ERROR)
RADICALS = str.maketrans("⻅⻔⻚⻓⻢⻛⻋⻉⻜⻘⻝⻤⻩", "见门页长马风车贝飞青食鬼黄")  # CJK Radicals Supplement: NFKC keeps them
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (Debian: apt-get install chromium)")
def test_html_prints_to_a4_with_the_finding(tmp_path: Path):
    CliRunner().invoke(main, ["check", str(EXAMPLE_PDF), "--format", "html", "-o", f"{tmp_path}/", "--in-process"])
    html = tmp_path / "baiyun-2023.findings.html"
    pdf = tmp_path / "printed.pdf"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=120)
    with pdfplumber.open(str(pdf)) as doc:
        pages = doc.pages
        assert 1 <= len(pages) <= 6
        assert all(abs(p.width - 595) < 3 and abs(p.height - 842) < 3 for p in pages)  # A4 portrait
        # Chromium's CJK fonts map some glyphs to Kangxi radicals (⾃ for 自): NFKC folds them back
        text = unicodedata.normalize("NFKC", "".join((p.extract_text() or "") for p in pages)).replace(" ", "")
        text = text.translate(RADICALS)
    assert "绩效自评报告审核意见" in text
    assert "智慧白云一期项目经费" in text and "第6页" in text and "2655.11元" in text
    assert "整改建议" in text  # what the department should correct, under each finding
    # the reviewer's working papers and the rule ids stay on screen: the printed letter goes to the department
    assert "规则执行情况" not in text and "未能评估的检查" not in text and "budget.adjustment-arithmetic" not in text
