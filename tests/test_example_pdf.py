"""The committed example PDF must be reproducible from its seed text."""

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "examples" / "make_example.py"
COMMITTED = REPO / "examples" / "baiyun-2023.pdf"
KEY_FIGURES = ("14,416.56", "2655.11", "592.33", "1,062.78", "98.69")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "baiyun-2023.pdf"
    # Run as a script, the way developers regenerate it, from the repo root.
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(out)],
                   cwd=REPO, check=True, capture_output=True)
    return out


def _page_texts(path):
    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def test_committed_pdf_matches_the_script(regenerated):
    # compared by text layer and pages, not bytes: other reportlab versions write other bytes
    assert _page_texts(regenerated) == _page_texts(COMMITTED), (
        "examples/baiyun-2023.pdf is stale: run python examples/make_example.py")


def test_text_layer_has_key_figures(regenerated):
    with pdfplumber.open(str(regenerated)) as pdf:
        assert len(pdf.pages) > 1
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "(cid:" not in text
    for figure in KEY_FIGURES:
        assert figure in text
