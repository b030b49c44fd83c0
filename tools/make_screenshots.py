"""Refresh the pictures of the audit letter in docs/ from the bundled example.

    .venv/bin/python tools/make_screenshots.py

* docs/letter-html.png — the HTML findings report printed to A4 by headless Chromium, page 1 (the 审核意见书);
* docs/letter-word.png — the Word output converted to PDF by LibreOffice, page 1;
* docs/findings-report.png — the HTML as the reviewer sees it on screen (top of the page).

Needs chromium and LibreOffice (Debian: apt-get install chromium fonts-noto-cjk libreoffice-writer-nogui); says
which one is missing and stops otherwise. Pages are drawn with pypdfium2 (a perfcheck dependency).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "baiyun-2023.pdf"
PERFCHECK = Path(sys.executable).with_name("perfcheck")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGE_SCALE = 1.6  # pixels per PDF point of the page pictures
SCREEN = (1000, 1900)  # the on-screen picture's window, pixels


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit(f"需要 {names[0]}（Debian: apt-get install {names[0]}），未找到。")


def _first_page_png(pdf: Path, png: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        document[0].render(scale=PAGE_SCALE).to_pil().convert("RGB").save(png, optimize=True)
    finally:
        document.close()


def main() -> int:
    chromium = _tool("chromium", "chromium-browser", "google-chrome")
    soffice = _tool("soffice", "libreoffice")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for fmt in ("html", "docx"):
            subprocess.run([str(PERFCHECK), "check", str(EXAMPLE), "--format", fmt, "-o", f"{out}/", "--no-cache"],
                           capture_output=True, check=False)
        html, word = out / "baiyun-2023.findings.html", out / "baiyun-2023.findings.docx"
        profile = [f"--user-data-dir={out / 'chromium'}"]
        subprocess.run([chromium, *CHROMIUM_FLAGS, *profile, "--no-pdf-header-footer", f"--print-to-pdf={out / 'html.pdf'}",
                        html.as_uri()], capture_output=True, check=True, timeout=180)
        _first_page_png(out / "html.pdf", DOCS / "letter-html.png")
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(word)],
                       capture_output=True, check=True, timeout=300)
        _first_page_png(out / "baiyun-2023.findings.pdf", DOCS / "letter-word.png")
        subprocess.run([chromium, *CHROMIUM_FLAGS, *profile, f"--screenshot={DOCS / 'findings-report.png'}",
                        f"--window-size={SCREEN[0]},{SCREEN[1]}", html.as_uri()], capture_output=True, check=True,
                       timeout=180)
    for name in ("letter-html.png", "letter-word.png", "findings-report.png"):
        print(f"写入 {DOCS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
