"""On-disk fact cache: extracted (and derived) facts keyed by the file's sha256 and the code
that produced them, so a changed rule pack re-runs only evaluate + render.

Beside it, the validated rule pack (`load_cached_pack`): reading a pack parses every rule's
YAML, conditions (lark) and message templates and type-checks them, which costs a whole
`check` run more than re-checking dozens of cached reports. It is keyed by the bytes and
paths of the rule files and by the whole package's code, and stored only when the pack has
no problems, so an edited or broken pack is always read and reported afresh.

The key covers the bytes of the report and of every module of the ingest, extract and derive
stages, so an extractor change can never serve stale facts. Entries are pickles written
atomically; the cache is per user (default ~/.cache/perfcheck, or PERFCHECK_CACHE_DIR) and
is trusted like any other file in the user's home.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__
from .resources import cache_dir as default_dir

FORMAT = 1


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


@lru_cache(maxsize=1)
def package_digest() -> str:
    """Hash of all of perfcheck's code and data files and of the shipped profiles (validation
    checks `profile.*` names against the national one): what a validated pack depends on."""
    from .resources import profiles_dir

    root = Path(__file__).parent
    h = hashlib.sha256(f"{FORMAT}:{__version__}:{sys.version}".encode())
    for base in (root, profiles_dir()):
        for path in sorted(base.rglob("*")):
            if path.suffix in (".py", ".yaml", ".lark", ".json") and path.is_file():
                h.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def load_cached_pack(paths: list[Path], directory: Path | None = None, profile=None):
    """`load_pack(paths, profile)`, or the pack a previous run validated from exactly these files
    for the same profile (a loaded Profile; None: the national one, part of package_digest)."""
    from .rulebook.loader import load_pack as _load_pack, rule_files

    def load_pack(paths):
        return _load_pack(paths) if profile is None else _load_pack(paths, profile)

    directory = directory or default_dir()
    try:
        h = hashlib.sha256(package_digest().encode() + (profile.digest.encode() if profile is not None else b""))
        for path in rule_files(paths):
            h.update(f"{path}\0{path.resolve()}\0".encode() + path.read_bytes() + b"\0")
        entry = directory / "packs" / f"{h.hexdigest()[:32]}.pickle"
    except OSError:  # a rule path is missing or unreadable: load_pack says which
        return load_pack(paths)
    try:
        with open(entry, "rb") as fh:
            return pickle.load(fh), []
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    pack, problems = load_pack(paths)
    if not problems:
        try:
            _write_atomic_pickle(entry, pack)
        except OSError:
            pass  # a read-only cache only costs the next run the validation
    return pack, problems


def _write_atomic_pickle(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        _write_atomic_pickle(self._path(source), facts)

    def info(self) -> tuple[int, int]:
        files = list((self.directory / "facts").rglob("*.pickle"))
        return len(files), sum(f.stat().st_size for f in files)

    def clear(self) -> int:
        """Remove the cached facts (counted) and the cached validated rule packs."""
        files = list((self.directory / "facts").rglob("*.pickle"))
        for f in files + list((self.directory / "packs").glob("*.pickle")):
            f.unlink(missing_ok=True)
        return len(files)
