"""Scanned PDFs (no text layer): read with Tesseract (chi_sim) when it is installed.

Pages are rendered with pypdfium2 and passed to the `tesseract` command; page numbers are
kept. Without Tesseract the error names the Debian packages to install.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError
from ..model import Document, Line

INSTALL_HINT = "sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim"


def available() -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "chi_sim" in langs.split()


def read_scanned(path: Path, page_count: int) -> Document:
    if not available():
        raise InputError(
            "input.no-text-layer",
            f"{path} 没有文字层（扫描件），需要文字识别（OCR）才能检查。请安装 Tesseract 中文识别：{INSTALL_HINT}；"
            "或索取由 Word/WPS 直接导出的 PDF。",
        )
    import pypdfium2

    lines: list[Line] = []
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="perfcheck-ocr-") as tmp:
            for index in range(len(pdf)):
                image = Path(tmp) / f"p{index + 1}.png"
                pdf[index].render(scale=300 / 72).to_pil().save(image)
                text = subprocess.run(
                    ["tesseract", str(image), "-", "-l", "chi_sim", "--psm", "6"],
                    capture_output=True, text=True, timeout=300,
                ).stdout
                lines.extend(Line(index + 1, t) for t in text.split("\n"))
    finally:
        pdf.close()
    if not any(l.text.strip() for l in lines):
        raise InputError("input.no-text-layer", f"{path} 是扫描件，文字识别（OCR）也没有读出文字。请索取清晰的原件或可复制文字的 PDF。")
    return Document(str(path), "pdf-ocr", lines, page_count=page_count)
