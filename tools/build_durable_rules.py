"""Build durable-rules 2.0.28 with the CPython 3.13 fix into a local wheelhouse.

durable-rules 2.0.28 (the last release) calls `PyEval_CallObject`, which CPython 3.13 removed, so
its sdist does not compile there. Upstream replaced the five calls with `PyObject_CallObject` (the
same call: positional args tuple, no keywords; available on every Python 3) in jruizgit/rules
pull request 403, merged in 2025 but never released. This script applies exactly that change to
the 2.0.28 sdist from PyPI (checked by its sha256) and builds a wheel for the Python that runs it:

    .venv/bin/python tools/build_durable_rules.py            # -> build/wheelhouse/
    .venv/bin/pip install --find-links build/wheelhouse -e .

The wheel's version is 2.0.28+perfcheck.1: it satisfies `durable-rules==2.0.28` and pip prefers it
to PyPI's sdist, and `pip show durable-rules` says which build is installed. Nothing else changes,
so the same patched engine is used on 3.11 and 3.12 too when the wheelhouse is given.
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WHEELHOUSE = REPO / "build" / "wheelhouse"  # build/ is git-ignored
SDIST = "durable_rules-2.0.28.tar.gz"
SDIST_SHA256 = "053b26f5e48d312d4fa27995243f954671be6eece477f150c059c364eb4d7d61"
LOCAL_VERSION = "2.0.28+perfcheck.1"

# (file in the sdist, text, replacement, how many times it must occur): a changed sdist fails loudly
EDITS = (
    ("src/rulespy/rules.c", "PyEval_CallObject(callback, arglist)", "PyObject_CallObject(callback, arglist)", 5),
    ("setup.py", "version = '2.0.28',", f"version = '{LOCAL_VERSION}',", 1),
)


class BuildError(Exception):
    pass


def wheel_tag() -> str:
    """The interpreter part of a wheel name for this Python, e.g. cp313."""
    return f"cp{sys.version_info.major}{sys.version_info.minor}"


def existing_wheel(wheelhouse: Path) -> Path | None:
    tag = wheel_tag()
    return next(iter(sorted(wheelhouse.glob(f"durable_rules-{LOCAL_VERSION}-{tag}-{tag}-*.whl"))), None)


def download_sdist(into: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                    "--dest", str(into), "durable-rules==2.0.28"], check=True)
    sdist = into / SDIST
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        raise BuildError(f"{sdist}: sha256 {digest} is not the reviewed sdist's {SDIST_SHA256}")
    return sdist


def unpack(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # 3.11.4+: refuse links and paths outside `into`
            archive.extractall(into, filter="data")
        else:  # pragma: no cover - older 3.11 patch releases; the sdist's sha256 is checked above
            archive.extractall(into)
    return into / SDIST.removesuffix(".tar.gz")


def apply_edits(source: Path) -> None:
    for name, old, new, expected in EDITS:
        path = source / name
        text = path.read_text(encoding="utf-8")
        found = text.count(old)
        if found != expected:
            raise BuildError(f"{path}: expected {expected} x {old!r}, found {found}; the patch needs review")
        path.write_text(text.replace(old, new), encoding="utf-8")


def build(wheelhouse: Path) -> Path:
    wheelhouse.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="durable-rules-") as tmp:
        source = unpack(download_sdist(Path(tmp)), Path(tmp))
        apply_edits(source)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--wheel-dir", str(wheelhouse), str(source)], check=True)
    wheel = existing_wheel(wheelhouse)
    if wheel is None:
        raise BuildError(f"pip wheel finished but no durable_rules {LOCAL_VERSION} {wheel_tag()} wheel is in {wheelhouse}")
    return wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, default=DEFAULT_WHEELHOUSE)
    parser.add_argument("--force", action="store_true", help="rebuild even if this Python's wheel is there")
    args = parser.parse_args(argv)
    wheel = None if args.force else existing_wheel(args.wheelhouse)
    try:
        wheel = wheel or build(args.wheelhouse)
    except (BuildError, subprocess.CalledProcessError, OSError) as exc:
        print(f"无法构建打过补丁的 durable-rules：{exc}", file=sys.stderr)
        return 2
    print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
