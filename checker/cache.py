"""On-disk fact cache: extracted (and derived) facts keyed by the file's sha256 and the code
that produced them, so a changed rule pack re-runs only evaluate + render.

The key covers the bytes of the report and of every module of the ingest, extract and derive
stages, so an extractor change can never serve stale facts. Entries are pickles written
atomically; the cache is per user (default ~/.cache/perfcheck, or PERFCHECK_CACHE_DIR) and
is trusted like any other file in the user's home.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__

FORMAT = 1


def default_dir() -> Path:
    env = os.environ.get("PERFCHECK_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "perfcheck"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Hash of the code whose output is cached (ingest, extract, derive, their data files)."""
    root = Path(__file__).parent
    h = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    for stage in ("ingest", "extract", "derive"):
        for path in sorted((root / stage).rglob("*")):
            if path.suffix in (".py", ".yaml") and path.is_file():
                h.update(path.name.encode() + path.read_bytes())
    h.update((root / "model.py").read_bytes())
    return h.hexdigest()[:16]


def file_digest(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class FactCache:
    directory: Path

    def _path(self, source: str | Path) -> Path:
        key = f"{file_digest(source)}-{code_digest()}"
        return self.directory / "facts" / key[:2] / f"{key}.pickle"

    def get(self, source: str | Path):
        try:
            path = self._path(source)
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None  # absent or from an incompatible version: extract again

    def put(self, source: str | Path, facts) -> None:
        path = self._path(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(facts, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def info(self) -> tuple[int, int]:
        files = list((self.directory / "facts").rglob("*.pickle"))
        return len(files), sum(f.stat().st_size for f in files)

    def clear(self) -> int:
        files = list((self.directory / "facts").rglob("*.pickle"))
        for f in files:
            f.unlink(missing_ok=True)
        return len(files)
