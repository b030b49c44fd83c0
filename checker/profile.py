"""Locality profiles: thresholds, weights, grade bands and rule switches, in YAML.

`profiles/national.yaml` defines every setting; a local profile `extends` it and states only
what differs. Rules read settings as `profile.name`; the values are substituted before the
rules are compiled for the engine.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from .errors import PerfcheckError
from .resources import ROOT
from .rulebook.condition import Num, parse_quantity_literal

PROFILES_DIR = ROOT / "profiles"
SEVERITIES = ("error", "warning", "info")


class ProfileError(PerfcheckError):
    def __init__(self, message: str):
        super().__init__("profile.invalid", message)


@dataclass
class Profile:
    name: str
    title: str
    params: dict[str, object]  # name -> Num | str
    grade_bands: list[tuple[Decimal, str]]
    enable: set[str] = field(default_factory=set)
    disable: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    digest: str = ""

    def param_dims(self) -> dict[str, str]:
        return {k: (v.dim if isinstance(v, Num) else "text") for k, v in self.params.items()}


def available() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def _path_for(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    return PROFILES_DIR / f"{name_or_path}.yaml"


def _raw(name_or_path: str, seen: tuple = ()) -> tuple[dict, list[str]]:
    path = _path_for(name_or_path)
    if not path.exists():
        raise ProfileError(f"找不到配置“{name_or_path}”。可用配置：{'、'.join(available())}，或给出 .yaml 文件路径。")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ProfileError(f"{where}: 配置文件 YAML 格式错误：{getattr(exc, 'problem', exc)}") from None
    texts = [path.read_text(encoding="utf-8")]
    parent = data.get("extends")
    if parent:
        if parent in seen:
            raise ProfileError(f"{path}: extends 形成循环：{' → '.join(seen + (parent,))}")
        base, base_texts = _raw(parent, seen + (data.get("name", path.stem),))
        merged = dict(base)
        merged["params"] = {**base.get("params", {}), **(data.get("params") or {})}
        merged["grade_bands"] = data.get("grade_bands") or base.get("grade_bands")
        base_rules, own_rules = base.get("rules") or {}, data.get("rules") or {}
        merged["rules"] = {
            "enable": list(base_rules.get("enable") or []) + list(own_rules.get("enable") or []),
            "disable": list(base_rules.get("disable") or []) + list(own_rules.get("disable") or []),
            "severity": {**(base_rules.get("severity") or {}), **(own_rules.get("severity") or {})},
        }
        merged.update({k: v for k, v in data.items() if k in ("name", "title")})
        return merged, base_texts + texts
    return data, texts


def _param(name: str, raw, path: str):
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise ProfileError(f"{path}: 参数 {name} 应为带单位的数（如 95%、10分）或文字，不是 {raw!r}")
    try:
        return parse_quantity_literal(raw.strip())
    except Exception:
        return raw


def load_profile(name_or_path: str = "national") -> Profile:
    data, texts = _raw(name_or_path)
    path = str(_path_for(name_or_path))
    params = {k: _param(k, v, path) for k, v in (data.get("params") or {}).items()}
    bands_raw = data.get("grade_bands") or {"优": 90, "良": 80, "中": 60, "差": 0}
    try:
        bands = sorted(((Decimal(str(v)), k) for k, v in bands_raw.items()), reverse=True)
    except Exception:
        raise ProfileError(f"{path}: grade_bands 应为“等级: 最低分”，如 优: 90") from None
    rules = data.get("rules") or {}
    severity = dict(rules.get("severity") or {})
    bad = {k: v for k, v in severity.items() if v not in SEVERITIES}
    if bad:
        raise ProfileError(f"{path}: rules.severity 的值只能是 error / warning / info：{bad}")
    national, _ = _raw("national") if data.get("name") != "national" else (data, [])
    missing = set((national.get("params") or {})) - set(params)
    if missing:
        raise ProfileError(f"{path}: 缺少参数 {'、'.join(sorted(missing))}（请写 extends: national 继承默认值）")
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:8]
    return Profile(data.get("name", Path(path).stem), data.get("title", ""), params, bands,
                   set(rules.get("enable") or []), set(rules.get("disable") or []), severity, digest)
