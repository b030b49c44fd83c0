"""After evaluation: fingerprints, waivers and the baseline diff.

* fingerprint = rule id + normalised subject + the figures of the message — not page numbers,
  so a re-submitted report (or next year's) matches what is really the same problem;
* waivers (YAML): rule + subject (+ report), reason, approver, expiry. A waived finding stays
  in every output, marked; an expired waiver does not apply and says so; a waiver that
  matches nothing is reported; waivers never hide an unwaived error from the exit code;
* baseline (a previous JSON output): each finding new or unchanged, and what was resolved.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import PerfcheckError
from .model import Finding, ReportResult

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def fingerprint(finding: Finding) -> str:
    subject = re.sub(r"[\s：:，,。（）()“”\"']", "", finding.subject)
    figures = [n.replace(",", "") for n in _NUMBER.findall(finding.message)]
    key = "\x1f".join([finding.rule, subject, *figures])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def add_fingerprints(results: list[ReportResult]) -> None:
    for result in results:
        for f in result.findings:
            f.fingerprint = fingerprint(f)


# ---------------------------------------------------------------- waivers


class WaiverError(PerfcheckError):
    def __init__(self, message: str):
        super().__init__("waivers.invalid", message)


@dataclass
class Waiver:
    rule: str
    subject: str
    reason: str
    approved_by: str
    expires: dt.date | None
    report: str | None
    where: str  # file:line
    used: int = 0

    def matches(self, result: ReportResult, finding: Finding) -> bool:
        if finding.rule != self.rule:
            return False
        if self.subject not in ("*", finding.subject) and not (self.subject.endswith("*") and finding.subject.startswith(self.subject[:-1])):
            return False
        if self.report:
            name = Path(result.source).name
            return fnmatch.fnmatch(name, self.report) or fnmatch.fnmatch(result.source, self.report)
        return True

    def as_dict(self) -> dict:
        return {"reason": self.reason, "approved_by": self.approved_by,
                "expires": self.expires.isoformat() if self.expires else None, "defined_at": self.where}


_WAIVER_KEYS = {"rule", "subject", "report", "reason", "approved_by", "expires"}


def load_waivers(path: str | Path) -> list[Waiver]:
    path = Path(path)
    if not path.exists():
        raise WaiverError(f"找不到豁免文件：{path}")
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise WaiverError(f"{where}: 豁免文件 YAML 格式错误：{getattr(exc, 'problem', exc)}") from None
    items = None
    if isinstance(root, yaml.MappingNode):
        items = next((v for k, v in root.value if k.value == "waivers"), None)
    if not isinstance(items, yaml.SequenceNode):
        raise WaiverError(f"{path}:1:1: 豁免文件应以 “waivers:” 开头，下面每条写 rule、subject、reason、approved_by、expires")
    waivers, problems = [], []
    for node in items.value:
        where = f"{path}:{node.start_mark.line + 1}"
        data = {k.value: v.value for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}
        unknown = set(data) - _WAIVER_KEYS
        missing = {"rule", "subject", "reason", "approved_by"} - set(data)
        if unknown:
            problems.append(f"{where}: 未知的键 {'、'.join(sorted(unknown))}（可用：{'、'.join(sorted(_WAIVER_KEYS))}）")
        if missing:
            problems.append(f"{where}: 缺少 {'、'.join(sorted(missing))}（豁免必须写明规则、对象、理由和批准人）")
            continue
        expires = None
        if data.get("expires"):
            try:
                expires = dt.date.fromisoformat(str(data["expires"]))
            except ValueError:
                problems.append(f"{where}: expires 应为日期，如 2027-06-30，不是“{data['expires']}”")
                continue
        waivers.append(Waiver(data["rule"], data["subject"], data["reason"], data["approved_by"], expires,
                              data.get("report"), where))
    if problems:
        raise WaiverError("\n".join(problems))
    return waivers


def apply_waivers(results: list[ReportResult], waivers: list[Waiver], today: dt.date | None = None) -> list[str]:
    """Mark waived findings; return notices about expired and unused waivers."""
    today = today or dt.date.today()
    notices: list[str] = []
    for result in results:
        for f in result.findings:
            if f.outcome != "fired":
                continue
            for w in waivers:
                if not w.matches(result, f):
                    continue
                w.used += 1
                if w.expires and w.expires < today:
                    result.notices.append(
                        f"豁免已过期（{w.expires.isoformat()}，{w.where}），不再适用：{f.rule} · {f.subject}")
                    continue
                f.waiver = w.as_dict()
                break
    for w in waivers:
        if not w.used:
            notices.append(f"豁免未匹配任何问题：{w.rule} · {w.subject}（{w.where}）。请检查规则编号和对象是否与检查结果一致。")
    return notices


# ---------------------------------------------------------------- baseline


def load_baseline(path: str | Path) -> dict[str, list[dict]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {r["source"]: r.get("findings", []) for r in data["reports"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PerfcheckError("baseline.invalid", f"基线文件 {path} 不是 perfcheck 的 JSON 输出（{exc}）。"
                             "请用 perfcheck check … --format json -o 文件 生成。") from None


def apply_baseline(results: list[ReportResult], baseline: dict[str, list[dict]]) -> None:
    by_name = {Path(k).name: v for k, v in baseline.items()}
    only = next(iter(baseline.values())) if len(baseline) == 1 else None
    for result in results:
        previous = baseline.get(result.source) or by_name.get(Path(result.source).name)
        if previous is None and len(results) == 1:
            previous = only  # one report against one: e.g. this year's against last year's
        if previous is None:
            continue
        old = {f.get("fingerprint") or fingerprint(_finding_of(f)): f for f in previous if f.get("outcome", "fired") == "fired"}
        seen = set()
        for f in result.findings:
            if f.outcome != "fired":
                continue
            f.baseline = "unchanged" if f.fingerprint in old else "new"
            seen.add(f.fingerprint)
        result.resolved = [f for key, f in old.items() if key not in seen]


def _finding_of(d: dict) -> Finding:
    return Finding(d.get("rule", ""), d.get("severity", ""), d.get("subject", ""), d.get("message", ""), [])
