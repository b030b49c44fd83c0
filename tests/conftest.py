from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PDF = ROOT / "examples" / "baiyun-2023.pdf"
EXAMPLE_TXT = ROOT / "examples" / "baiyun-2023.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def bench_module(name: str):
    """A script of bench/ (typeset.py …) imported as a module, for tests that print what it prints."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pack():
    from checker.rulebook.loader import load_pack

    pack, problems = load_pack([ROOT / "rules"])
    assert not problems, [str(p) for p in problems]
    return pack


@pytest.fixture(scope="session")
def cpack(pack):
    from checker.evaluate import compile_pack

    return compile_pack(pack)


@pytest.fixture
def corpus_dir():
    if not CORPUS.is_dir():
        pytest.skip("development corpus ../shared/corpus/real not present")
    return CORPUS


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never read or fill the user's own fact cache."""
    import os

    os.environ["PERFCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("fact-cache"))
    yield
