"""Dataclasses that are the contracts between pipeline stages.

ingest -> Document -> extract -> [Fact] -> derive -> [Fact] -> evaluate -> [Finding] -> render
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union


# ---------------------------------------------------------------- ingest


@dataclass(frozen=True)
class Line:
    page: int  # 1-based page number as printed by the reader
    text: str
    wraps: bool = False  # the line reaches the right margin: the author's line goes on below (PDF)


@dataclass(frozen=True)
class Table:
    page: int
    rows: list[list[str | None]]
    # bounding box (x0, top, x1, bottom) of each cell on its page, where the reader knows it (PDF)
    bboxes: list[list[tuple | None]] | None = None


@dataclass
class Document:
    source: str  # path as the user gave it
    media: str  # "pdf" | "txt" | "docx"
    lines: list[Line]
    tables: list[Table] = field(default_factory=list)
    page_count: int = 1
    pages_approximate: bool = False  # docx/txt have no real pages


# ---------------------------------------------------------------- extract


@dataclass(frozen=True)
class Evidence:
    page: int
    text: str

    def as_dict(self) -> dict:
        return {"page": self.page, "text": self.text}


@dataclass(frozen=True)
class Quantity:
    """A number as written: value in the normalised unit plus the precision it was stated to.

    `places` counts decimal places of the normalised value, so 2655.11元 read as 万元 has
    places 6. `half_ulp` is the rounding tolerance a careful reviewer grants the figure.
    """

    value: Decimal
    places: int
    unit: str = ""  # normalised unit: 万元 | % | 个 | 分 | ""
    written: str = ""  # the figure as printed, e.g. "2655.11元"

    @property
    def half_ulp(self) -> Decimal:
        return Decimal(5) * Decimal(10) ** (-(self.places + 1))

    def __str__(self) -> str:
        return format_decimal(self.value, self.places)


def format_decimal(value: Decimal, places: int) -> str:
    q = Decimal(10) ** -places if places > 0 else Decimal(1)
    text = f"{value.quantize(q):,}" if places >= 0 else f"{value:,}"
    return text


Value = Union[Quantity, str, bool, int]


# How a fact's figures were tied to what they are about (issue: errors rest only on anchored facts):
# its label in the same clause, a table header, a list item's title, or only its position in the text.
ANCHORS = ("label", "header", "title", "inferred")


@dataclass
class Fact:
    kind: str  # document | budget | project | self_evaluation | indicator_group | amount | section ...
    subject: str  # what a finding about it names, in Chinese ("项目：智慧白云一期项目经费")
    fields: dict[str, Value]
    evidence: list[Evidence]
    extractor: str  # which extractor produced it
    fid: int = 0  # unique within one document; set by the extract stage
    # per-field evidence where a field was read from a different place than the fact
    field_evidence: dict[str, Evidence] = field(default_factory=dict)
    # links between facts for the derive stage (e.g. an amount's context group and the
    # fact field it was read into); never seen by rules
    meta: dict = field(default_factory=dict)
    anchor: str = "label"  # one of ANCHORS; an error-severity rule fired on an "inferred" fact is only a warning

    def get(self, name: str):
        return self.fields.get(name)


# ---------------------------------------------------------------- evaluate


@dataclass
class Finding:
    rule: str
    severity: str  # error | warning | info
    subject: str
    message: str
    evidence: list[Evidence]
    title: str = ""
    basis: str = ""
    expected: str | None = None
    actual: str | None = None
    outcome: str = "fired"  # fired | not-evaluable
    fingerprint: str = ""  # rule + subject + figures: stable across pages and re-submissions
    waiver: dict | None = None  # the waiver that applies: reason, approved_by, expires
    baseline: str | None = None  # new | unchanged (with --baseline)
    fix: str = ""  # 整改建议: what the department should correct

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    def as_dict(self) -> dict:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
            "evidence": [e.as_dict() for e in self.evidence],
            "title": self.title,
            "basis": self.basis,
            "outcome": self.outcome,
        }
        if self.fix:
            out["fix"] = self.fix
        if self.expected is not None:
            out["expected"] = self.expected
        if self.actual is not None:
            out["actual"] = self.actual
        if self.fingerprint:
            out["fingerprint"] = self.fingerprint
        if self.waiver is not None:
            out["waived"] = True
            out["waiver"] = self.waiver
        if self.baseline is not None:
            out["baseline"] = self.baseline
        return out


@dataclass
class RuleSummary:
    """Per-rule outcome over one document, for the "what was checked" table."""

    rule: str
    title: str
    severity: str
    status: str  # passed | fired | not-evaluable | not-applicable
    checked: int = 0  # facts the rule was evaluated on


@dataclass
class ReportError:
    code: str
    message: str


@dataclass
class ReportResult:
    source: str
    status: str  # checked | error
    findings: list[Finding] = field(default_factory=list)
    error: ReportError | None = None
    document: dict = field(default_factory=dict)  # department, year, report kind, title
    rules: list[RuleSummary] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)  # internal cross-check warnings
    notices: list[str] = field(default_factory=list)  # for the reader: expired waivers and the like
    resolved: list[dict] = field(default_factory=list)  # baseline findings no longer present
    input_sha256: str = ""

    def count(self, severity: str) -> int:
        """Fired findings of a severity that no waiver covers (these set the exit code)."""
        return sum(1 for f in self.findings if f.severity == severity and f.outcome == "fired" and not f.waived)

    @property
    def waived_count(self) -> int:
        return sum(1 for f in self.findings if f.waived)

    @property
    def not_evaluable(self) -> int:
        return sum(1 for f in self.findings if f.outcome == "not-evaluable")
