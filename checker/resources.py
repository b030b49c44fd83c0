"""Where the rule pack, profiles and templates are.

Policy staff edit the checkout's top-level rules/, profiles/ and templates/; the wheel ships those
same folders as package data under checker/_data/ (pyproject.toml's package-dir maps them there,
so there is one source and no copy to keep in step). An installed perfcheck finds them through
importlib.resources; a checkout (editable install, tests) has no checker/_data/ and uses the
top-level folders. PERFCHECK_RULES / PERFCHECK_PROFILES / PERFCHECK_TEMPLATES override either.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
DATA_DIR = "_data"  # inside the checker package of an installed wheel
ENV_OVERRIDES = {"rules": "PERFCHECK_RULES", "profiles": "PERFCHECK_PROFILES", "templates": "PERFCHECK_TEMPLATES"}


def bundled_dir(name: str) -> Path:
    """The shipped folder `name` (rules, profiles or templates), ignoring the environment."""
    packaged = files("checker").joinpath(DATA_DIR, name)
    if packaged.is_dir():  # a wheel install: a real folder in site-packages (perfcheck is not zip-safe)
        return Path(str(packaged))
    return CHECKOUT / name


def _dir(name: str) -> Path:
    override = os.environ.get(ENV_OVERRIDES[name])
    return Path(override) if override else bundled_dir(name)


def rules_dir() -> Path:
    return _dir("rules")


def profiles_dir() -> Path:
    return _dir("profiles")


def templates_dir() -> Path:
    return _dir("templates")


def override_note(name: str) -> str:
    """'（由 PERFCHECK_RULES 指定）' when the folder comes from the environment: an error about a
    missing folder then says where the path came from."""
    variable = ENV_OVERRIDES[name]
    return f"（由环境变量 {variable} 指定）" if os.environ.get(variable) else ""


def cache_dir() -> Path:
    """perfcheck's per-user cache folder (facts, validated packs, the condition grammar's tables)."""
    env = os.environ.get("PERFCHECK_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "perfcheck"
