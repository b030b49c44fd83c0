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
from .resources import override_note, profiles_dir
from .rulebook.condition import Num, parse_quantity_literal

SEVERITIES = ("error", "warning", "info")
MAPPING_KEYS = ("params", "grade_bands", "rules", "letter")  # sections that must be "name: value" mappings


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
    letter: dict = field(default_factory=dict)  # the 审核意见书's issuer, document number, deadline

    def param_dims(self) -> dict[str, str]:
        return {k: (v.dim if isinstance(v, Num) else "text") for k, v in self.params.items()}


def available() -> list[str]:
    return sorted(p.stem for p in profiles_dir().glob("*.yaml"))


def _is_file_argument(name_or_path: str) -> bool:
    p = Path(name_or_path)
    return p.suffix in (".yaml", ".yml") or p.exists()


def _path_for(name_or_path: str) -> Path:
    return Path(name_or_path) if _is_file_argument(name_or_path) else profiles_dir() / f"{name_or_path}.yaml"


def _not_found(name_or_path: str) -> ProfileError:
    """Which profile is missing, and why: a file path, a name, or the whole profiles folder."""
    if _is_file_argument(name_or_path):
        return ProfileError(f"找不到配置文件：{Path(name_or_path).resolve()}。请检查路径。")
    folder = profiles_dir()
    if not folder.is_dir():
        return ProfileError(f"配置目录不存在：{folder}{override_note('profiles')}，找不到配置“{name_or_path}”。"
                            f"请检查该目录，或重新安装 perfcheck。")
    names = "、".join(available()) or "（该目录中没有 .yaml 配置）"
    return ProfileError(f"找不到配置“{name_or_path}”（在 {folder} 中）。可用配置：{names}，或给出 .yaml 文件路径。")


def _read(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: 无法读取配置文件（{exc}）。配置文件应为 UTF-8 编码的 YAML。") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ProfileError(f"{where}: 配置文件 YAML 格式错误：{getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: 配置文件应是“名称: 值”的映射（name、extends、params、rules……），不是列表或单个值。")
    for key in MAPPING_KEYS:
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise ProfileError(f"{path}: {key} 下应是“名称: 值”的映射（每行一项，如 explanation_threshold: 95%）。")
    return data, text


def _raw(name_or_path: str, seen: tuple = ()) -> tuple[dict, list[str]]:
    path = _path_for(name_or_path)
    if not path.is_file():
        raise _not_found(name_or_path)
    data, text = _read(path)
    texts = [text]
    parent = data.get("extends")
    if parent:
        if parent in seen:
            raise ProfileError(f"{path}: extends 形成循环：{' → '.join(seen + (parent,))}")
        if not _path_for(parent).is_file():
            raise ProfileError(f"{path}: extends: {parent} —— {_not_found(parent).message}")
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
        merged["letter"] = {**(base.get("letter") or {}), **(data.get("letter") or {})}
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
    letter = {k: ("" if v is None else str(v)) for k, v in (data.get("letter") or {}).items()}
    return Profile(data.get("name", Path(path).stem), data.get("title", ""), params, bands,
                   set(rules.get("enable") or []), set(rules.get("disable") or []), severity, digest, letter)
