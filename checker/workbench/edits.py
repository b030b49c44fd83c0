"""An edit as the workbench holds it, and what it makes of one: the edited rule pack and profile.

Runs in the web process and never touches the rule engine: it reads YAML, validates with the
project's own `load_pack` / `load_profile` (file:line problems in Chinese), splices an edited rule
into its file at its line range, and changes a profile setting with ruamel.yaml's round-trip mode
(comments and order kept). The engine work (rule tests, impact) is done in checker/workbench/worker.py.
"""
from __future__ import annotations

import hashlib
import io
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..errors import PerfcheckError
from ..profile import Profile, ProfileError, load_profile
from ..rulebook.condition import Param, _children
from ..rulebook.loader import Pack, Problem, load_pack, rule_files

RULE_START = re.compile(r"^(\s*)- ")


def sha_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EditError(PerfcheckError):
    """An edit the workbench cannot apply (a rule that is not in its file any more, a bad value …)."""

    def __init__(self, message: str):
        super().__init__("workbench.edit", message)


# ---------------------------------------------------------------- rule blocks


@dataclass(frozen=True)
class Block:
    """Lines start..end (1-based, inclusive) of a rule file that hold one rule."""

    rule_id: str
    start: int
    end: int


def rule_blocks(text: str) -> list[Block]:
    """Each rule's line range: from its `- id:` line to the line before the next rule, without the
    blank lines and the next rule's own leading comments at the end."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    nodes = next((v for k, v in getattr(root, "value", []) if getattr(k, "value", None) == "rules"), None)
    if not isinstance(nodes, yaml.SequenceNode):
        return []
    lines = text.splitlines()
    starts = [n.start_mark.line + 1 for n in nodes.value]
    ids = [next((v.value for k, v in n.value if k.value == "id"), "") if isinstance(n, yaml.MappingNode) else ""
           for n in nodes.value]
    blocks = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(lines)
        dash = RULE_START.match(lines[start - 1])
        indent = len(dash.group(1)) if dash else 0
        while end > start and _belongs_after(lines[end - 1], indent):
            end -= 1
        blocks.append(Block(str(ids[i]), start, end))
    return blocks


def _belongs_after(line: str, indent: int) -> bool:
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and len(line) - len(line.lstrip()) <= indent)


def find_block(text: str, rule_id: str) -> Block:
    block = next((b for b in rule_blocks(text) if b.rule_id == rule_id), None)
    if block is None:
        raise EditError(f"文件中没有编号为“{rule_id}”的规则（可能已被改名或删除）。请重新打开。")
    return block


def block_text(text: str, block: Block) -> str:
    return "\n".join(text.splitlines()[block.start - 1: block.end]) + "\n"


def splice(text: str, block: Block, new_block: str) -> str:
    """The file with lines block.start..block.end replaced by `new_block`; every other byte unchanged
    (checked: the part before and after must come out identical)."""
    kept = text.splitlines(keepends=True)
    head, tail = "".join(kept[: block.start - 1]), "".join(kept[block.end:])
    body = new_block if new_block.endswith("\n") or not tail else new_block + "\n"
    out = head + body + tail
    if not (out.startswith(head) and out.endswith(tail)):  # pragma: no cover - guards the invariant
        raise EditError("内部错误：拼接后文件的其余部分发生了变化，未保存。")
    return out


# ---------------------------------------------------------------- profile settings (round-trip YAML)


def _round_trip():
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a long line of a policy file
    return rt


def set_profile_params(text: str, values: dict[str, str]) -> str:
    """The profile text with `params.<name>` set to each value; comments, order and quoting of
    everything else kept (ruamel.yaml round trip). A value equal to the current one is left as written."""
    rt = _round_trip()
    try:
        data = rt.load(text)
    except Exception as exc:  # ruamel's own YAMLError types: the text is no YAML mapping
        raise EditError(f"配置文件不是有效的 YAML，无法修改其中的参数：{exc}") from None
    if not hasattr(data, "get"):
        raise EditError("配置文件应是“名称: 值”的映射。")
    params = data.get("params")
    if params is None:
        from ruamel.yaml.comments import CommentedMap

        params = data["params"] = CommentedMap()
    changed = False
    for name, value in values.items():
        value = str(value).strip()
        if not value:
            raise EditError(f"参数 {name} 的值不能为空。")
        if str(params.get(name, "")) != value:
            params[name] = value
            changed = True
    if not changed:
        return text
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def profile_values(text: str) -> dict[str, str]:
    """The params a profile file itself states, as written (for the settings form)."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return {}
    params = data.get("params") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in (params or {}).items()}


# ---------------------------------------------------------------- an edit and what it makes


@dataclass
class Edit:
    """What the person changed, against the texts as opened: rule file texts and/or the profile text."""

    rule_files: dict[str, str] = field(default_factory=dict)  # file name in the rules folder -> edited text
    profile_text: str | None = None


@dataclass
class Outcome:
    pack: Pack | None
    profile: Profile | None
    problems: list[Problem]
    profile_error: str = ""

    @property
    def ok(self) -> bool:
        return self.pack is not None and self.profile is not None and not self.problems and not self.profile_error


def load_edited(rules_dir: Path, profile_path: Path, edit: Edit) -> Outcome:
    """Validate the pack and profile as they would be after the edit, without writing either: the
    rule files are laid out in a private folder (edited ones replaced) and loaded from there; problems
    and rule sources name the real files."""
    rules_dir, profile_path = rules_dir.resolve(), profile_path.resolve()
    with tempfile.TemporaryDirectory(prefix="perfcheck-wb-") as tmp:
        shadow = Path(tmp) / "rules"
        for path in rule_files([rules_dir]):
            relative = path.relative_to(rules_dir)
            text = edit.rule_files.get(str(relative))
            target = shadow / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text if text is not None else path.read_text(encoding="utf-8"), encoding="utf-8")
        try:
            profile = _load_profile_text(Path(tmp), profile_path, edit.profile_text)
        except ProfileError as exc:
            return Outcome(None, None, [], _real_paths(exc.message, Path(tmp) / "profile", profile_path.parent))
        pack, problems = load_pack([shadow], profile)
        return Outcome(_real_pack(pack, shadow, rules_dir), profile,
                       [_real_problem(p, shadow, rules_dir) for p in problems])


def _load_profile_text(tmp: Path, profile_path: Path, text: str | None) -> Profile:
    if text is None:
        return load_profile(str(profile_path))
    target = tmp / "profile" / profile_path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return load_profile(str(target))


def _real_paths(message: str, shadow: Path, real: Path) -> str:
    return message.replace(str(shadow), str(real))


def _real_problem(problem: Problem, shadow: Path, real: Path) -> Problem:
    return replace(problem, file=_real_paths(problem.file, shadow, real))


def _real_pack(pack: Pack, shadow: Path, real: Path) -> Pack:
    rules = [replace(r, source=_real_paths(r.source, shadow, real)) for r in pack.rules]
    files = [Path(_real_paths(str(f), shadow, real)) for f in pack.files]
    return Pack(rules, files, pack.digest)


# ---------------------------------------------------------------- which rules an edit changes


def params_used(rule) -> set[str]:
    """The profile settings a rule reads: in its conditions and expressions, and in its message."""
    names: set[str] = set()

    def walk(node):
        if isinstance(node, Param):
            names.add(node.name)
        for child in _children(node):
            walk(child)

    for node in (rule.when, rule.where, rule.expected, rule.actual):
        if node is not None:
            walk(node)
    names.update(re.findall(r"profile\.(\w+)", rule.message))
    return names


def rule_signature(rule, profile: Profile) -> str:
    """Everything that decides a rule's findings under a profile: the rule as loaded (without where
    it stands and its test cases), whether the profile runs it and at which severity, and the values
    of the settings it reads."""
    on = (rule.enabled or rule.id in profile.enable) and rule.id not in profile.disable
    bare = replace(rule, source="", line=0, tests=[], tags=(), description="")
    settings = {name: repr(profile.params.get(name)) for name in sorted(params_used(rule))}
    return repr((bare, on, profile.severity.get(rule.id), settings))


# settings every rule's findings depend on (evaluate._collapse_misreadings) besides its own
GLOBAL_PARAMS = ("misreading_min_findings", "misreading_share")


def global_signature(profile: Profile) -> str:
    return repr(([repr(profile.params.get(n)) for n in GLOBAL_PARAMS], profile.grade_bands))
