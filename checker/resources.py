"""Where the bundled rule pack, profiles and templates live (the repo's top-level folders)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rules_dir() -> Path:
    return Path(os.environ.get("PERFCHECK_RULES", ROOT / "rules"))


def templates_dir() -> Path:
    return Path(os.environ.get("PERFCHECK_TEMPLATES", ROOT / "templates"))
