"""The wheel carries everything: built from a copy of the sources, installed into a fresh venv outside
the checkout, `perfcheck check` finds the rule pack, profiles and templates from any directory.

Network-free: the wheel is built without build isolation (setuptools >= 77 and wheel from the test
extra) and the fresh venv borrows this environment's installed dependencies through a .pth file, so
only perfcheck itself comes from the wheel. .ci/run also does the real thing (pip install of the
wheel with its dependencies from the registry).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from conftest import EXAMPLE_PDF, ROOT

SOURCES = ("checker", "rules", "profiles", "templates", "pyproject.toml", "README.md")
KNOWN_ERRORS = ["budget.adjustment-arithmetic", "budget.unit-anomaly"]


def _version(dist: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in metadata.version(dist).split(".")[:2] if part.isdigit())
    except metadata.PackageNotFoundError:
        return ()


def _offline_build_possible() -> str:
    """Why the wheel cannot be built here without network, or '' when it can."""
    if _version("setuptools") < (77,) or not _version("wheel"):
        return "needs setuptools>=77 and wheel in this environment (pip install -e '.[test]')"
    if _version("pip") < (22, 3):
        return "needs pip>=22.3 (pip --python)"
    return ""


def test_wheel_lists_every_checker_package():
    """pyproject lists the packages by hand (package-dir maps the data folders): a new subpackage
    that is not listed would be missing from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = {name for name in config["packages"] if not name.startswith("checker._data.")}
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "checker").rglob("__init__.py")}
    assert listed == found
    assert set(config["package-dir"].values()) == {"rules", "profiles", "templates"}


def _copy_sources(into: Path) -> Path:
    """Build from a copy: no build/ or egg-info left in the checkout, none of its stale files in the wheel."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=ignore)
        else:
            shutil.copy2(source, into / name)
    return into


def _venv_with(wheel: Path, path: Path) -> Path:
    """A venv without pip holding only `wheel`, whose site-packages then also sees this environment's
    dependencies (added after the install: pip would take this environment's perfcheck for it)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, cwd=path)
    assert (path / "bin" / "perfcheck").is_file()
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(site, "_perfcheck_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    reason = _offline_build_possible()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("wheel")
    src = _copy_sources(work / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--wheel-dir", str(work / "dist"), str(src)], check=True, cwd=work)
    (wheel,) = (work / "dist").glob("perfcheck-*.whl")
    return _venv_with(wheel, work / "venv").parent


def _run(bin_dir: Path, *args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PERFCHECK_RULES", "PERFCHECK_PROFILES", "PERFCHECK_TEMPLATES")}
    env["PERFCHECK_CACHE_DIR"] = str(cwd / "cache")
    return subprocess.run([str(bin_dir / "perfcheck"), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_installed_perfcheck_uses_its_own_data(installed: Path, tmp_path: Path):
    where = subprocess.run([str(installed / "python"), "-c",
                            "import checker.resources as r; print(r.rules_dir()); print(r.templates_dir())"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    venv = installed.parent.resolve()
    assert all(Path(p).is_dir() and Path(p).resolve().is_relative_to(venv) for p in where), where
    listed = _run(installed, "rules", "list", cwd=tmp_path)
    assert listed.returncode == 0 and "budget.unit-anomaly" in listed.stdout, listed.stderr


def test_installed_perfcheck_checks_the_example_from_elsewhere(installed: Path, tmp_path: Path):
    result = _run(installed, "check", EXAMPLE_PDF, "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (report,) = json.loads(result.stdout)["reports"]
    assert sorted(f["rule"] for f in report["findings"] if f["severity"] == "error") == KNOWN_ERRORS
    word = _run(installed, "check", EXAMPLE_PDF, "--format", "docx", "-o", tmp_path / "r.docx", cwd=tmp_path)
    assert word.returncode == 1 and (tmp_path / "r.docx").stat().st_size > 10_000, word.stderr
