"""The fact schema rules are checked against: kinds, their fields, dimensions and Chinese names.

The extract and derive stages produce exactly these fields; a rule that names any other
field is rejected by `perfcheck rules validate` with the list of fields that exist.
"""
from __future__ import annotations

from dataclasses import dataclass

from .condition import BOOL, COUNT, MONEY, NUMBER, PERCENT, SCORE, TEXT


@dataclass(frozen=True)
class FieldSpec:
    dim: str
    label: str  # Chinese name used in messages ("年初预算")


@dataclass(frozen=True)
class KindSpec:
    label: str
    fields: dict[str, FieldSpec]

    def dims(self) -> dict[str, str]:
        return _dims(self)


_DIMS_CACHE: dict[int, dict[str, str]] = {}


def _dims(kind: "KindSpec") -> dict[str, str]:
    """Field dimensions of a kind, computed once (evaluation asks for them per fact and rule)."""
    cached = _DIMS_CACHE.get(id(kind))
    if cached is None:
        cached = _DIMS_CACHE[id(kind)] = {name: spec.dim for name, spec in kind.fields.items()}
    return cached


def _f(dim: str, label: str) -> FieldSpec:
    return FieldSpec(dim, label)


KINDS: dict[str, KindSpec] = {
    "document": KindSpec("报告", {
        "department": _f(TEXT, "单位名称"),
        "year": _f(COUNT, "年度"),
        "report_kind": _f(TEXT, "报告类型（部门整体 / 项目）"),
        "title": _f(TEXT, "标题"),
        "char_count": _f(COUNT, "正文字数"),
        "has_basic_info": _f(BOOL, "有“部门基本情况”部分"),
        "has_self_evaluation": _f(BOOL, "有“绩效自评情况 / 自评结论”部分"),
        "has_problems": _f(BOOL, "有“存在的问题”部分"),
        "has_measures": _f(BOOL, "有“改进措施”部分"),
        "problems_empty": _f(BOOL, "“存在问题”部分只写了“无 / 暂无”"),
        "lowest_rate_stated": _f(PERCENT, "报告所写最低的预算执行率"),
        "groups_below_marks": _f(COUNT, "得分低于其分值的一级指标个数"),
        "score_total": _f(SCORE, "自评总分"),
        "indicator_groups": _f(TEXT, "报告中出现的一级指标（产出、效益、满意度 …）"),
        "names_genre": _f(BOOL, "文中出现“绩效自评”“自评表”“绩效目标”等本类文件的用语"),
        "report_signals": _f(COUNT, "像绩效自评报告的迹象数（0–4：预算数字、得分或等级、报告章节、写到“绩效自评 / 绩效目标”等用语）"),
    }),
    "budget": KindSpec("预算收支", {
        "scope": _f(TEXT, "口径（整体 / 基本支出 / 项目支出）"),
        "initial": _f(MONEY, "年初预算数"),
        "adjustment": _f(MONEY, "年中调整数（调增为正，调减为负）"),
        "full_year": _f(MONEY, "全年预算数（调整后预算）"),
        "carried_over": _f(MONEY, "上年结转等年初预算、年中调整以外的来源（同一部分写明时）"),
        "final": _f(MONEY, "决算数（实际支出）"),
        "rate_stated": _f(PERCENT, "报告所写完成率 / 执行率"),
    }),
    "budget_composition": KindSpec("预算构成", {
        "column": _f(TEXT, "栏目（年初预算数 / 全年预算数 / 决算数）"),
        "total": _f(MONEY, "整体数"),
        "basic": _f(MONEY, "基本支出"),
        "project": _f(MONEY, "项目支出"),
    }),
    "budget_split": KindSpec("同一总额的两种分法", {
        "first": _f(TEXT, "第一种分法（如按收入性质分）"),
        "first_total": _f(MONEY, "第一种分法的合计"),
        "second": _f(TEXT, "第二种分法（如按支出性质分）"),
        "second_total": _f(MONEY, "第二种分法的合计"),
    }),
    "project": KindSpec("项目", {
        "ordinal": _f(COUNT, "序号"),
        "name": _f(TEXT, "项目名称"),
        "initial": _f(MONEY, "年初预算"),
        "adjustment": _f(MONEY, "年中调整数（调增为正，调减为负）"),
        "adjusted": _f(MONEY, "调整后预算"),
        "spent": _f(MONEY, "实际支出"),
        "rate_stated": _f(PERCENT, "报告所写预算执行率"),
        "explanation": _f(TEXT, "执行偏差的原因说明"),
        "adjustment_explanation": _f(TEXT, "预算调整的原因说明"),
    }),
    "self_evaluation": KindSpec("绩效自评", {
        "projects_evaluated": _f(COUNT, "自评项目数"),
        "projects_total": _f(COUNT, "项目总数"),
        "coverage_stated": _f(PERCENT, "报告所写自评覆盖率"),
        "funds_covered": _f(MONEY, "自评涉及资金"),
        "score_total": _f(SCORE, "自评总分"),
        "score_in_form": _f(BOOL, "总分取自自评表的合计行"),
        "marks_in_form": _f(SCORE, "自评表合计行的分值（满分）"),
        "grade_stated": _f(TEXT, "报告所写等级"),
        "grades_stated": _f(TEXT, "报告各处所写的等级"),
        "grade_variants": _f(COUNT, "报告各处所写等级的种数"),
        "execution_rate": _f(PERCENT, "整体预算执行率（报告所写，或按决算数 ÷ 全年预算数）"),
        "parts_full_marks": _f(SCORE, "各部分（一级指标、执行率）分值合计"),
        "parts_score": _f(SCORE, "各部分得分合计"),
    }),
    "fund_source": KindSpec("资金来源（资金表的分项行）", {
        "table": _f(TEXT, "所在资金表（总额行的名称）"),
        "source": _f(TEXT, "资金来源（如：本年财政拨款、上年结转）"),
        "initial": _f(MONEY, "年初预算数"),
        "adjusted": _f(MONEY, "全年预算数（调整后预算）"),
        "spent": _f(MONEY, "全年执行数"),
        "rate_stated": _f(PERCENT, "报告所写执行率"),
    }),
    "execution_score": KindSpec("预算执行率得分", {
        "rate": _f(PERCENT, "预算执行率"),
        "weight": _f(SCORE, "执行率分值"),
        "score": _f(SCORE, "执行率得分"),
    }),
    "figure_repeat": KindSpec("重复出现的预算数字", {
        "label": _f(TEXT, "数字名称（如：部门整体 年初预算数）"),
        "first": _f(MONEY, "第一次出现的数"),
        "second": _f(MONEY, "另一处的数"),
    }),
    "indicator_group": KindSpec("绩效指标组", {
        "name": _f(TEXT, "指标类别（产出 / 效益 / 满意度 …）"),
        "dimensions": _f(TEXT, "已设二级指标（如：数量、质量）"),
        "count_stated": _f(COUNT, "报告所写指标总数"),
        "count_sum": _f(COUNT, "各二级指标个数之和"),
        "full_marks": _f(SCORE, "总分（满分）"),
        "score": _f(SCORE, "得分"),
        "rows": _f(COUNT, "指标表中的指标行数"),
        "rows_full_marks": _f(SCORE, "指标表分值合计"),
        "rows_score": _f(SCORE, "指标表得分合计"),
        "report_chars": _f(COUNT, "报告正文字数"),
    }),
    "indicator": KindSpec("绩效指标", {
        "level1": _f(TEXT, "一级指标（产出 / 效益 / 满意度 …）"),
        "level2": _f(TEXT, "二级指标"),
        "name": _f(TEXT, "指标名称"),
        "direction": _f(TEXT, "指标性质（≥ / ≤ / = / 定性）"),
        "target": _f(NUMBER, "指标值（目标）"),
        "achieved": _f(NUMBER, "实际完成值"),
        "target_text": _f(TEXT, "指标值（文字）"),
        "achieved_text": _f(TEXT, "完成值（文字）"),
        "weight": _f(SCORE, "分值（权重）"),
        "score": _f(SCORE, "得分"),
        "reason": _f(TEXT, "偏差原因分析"),
        "criteria": _f(TEXT, "评分标准（评分表写明的计分办法：按它计分，不按完成比例）"),
        "reason_unreadable": _f(BOOL, "表格有原因一栏，但与下一行连在一起印出，读不出本行写没写原因"),
        "shortfall": _f(NUMBER, "距目标的差距（正向指标：目标−实际；反向：实际−目标；“=”：两者之差的绝对值），大于0即未完成"),
        "met_in_words": _f(BOOL, "文字表述的结果达到目标（按词表 indicators.met / unmet / partly 判断）"),
        "formula_score": _f(SCORE, "按完成比例计算的应得分（行中写有评分标准的不算）"),
    }),
    "breakdown": KindSpec("总数与分项", {
        "label": _f(TEXT, "总数名称"),
        "total": _f(MONEY, "总数"),
        "parts_sum": _f(MONEY, "各分项之和"),
        "parts_count": _f(COUNT, "分项个数"),
        "parts": _f(TEXT, "分项名称"),
        "from_table": _f(BOOL, "来自资金表（总额行与“其中”行）"),
        "complete": _f(BOOL, "分项已列全（资金表各行、“合计”前逐项列出，或同属一种分法，如基本支出与项目支出）"),
    }),
    "figure": KindSpec("数字（比率、分值、个数）", {
        "value": _f(NUMBER, "数值"),
        "unit_written": _f(TEXT, "原文单位"),
        "label": _f(TEXT, "数字前的文字"),
    }),
    "product": KindSpec("数量×单价", {
        "count": _f(COUNT, "数量（人数、户数 …）"),
        "price": _f(MONEY, "单价（每人 / 每户标准）"),
        "total": _f(MONEY, "报告所写合计"),
        "total_written": _f(TEXT, "合计的原文写法"),
        "expected_total": _f(MONEY, "数量 × 单价"),
        "total_other_unit": _f(MONEY, "合计按另一个单位（元 / 万元）理解"),
        "meant_total": _f(TEXT, "按单价推断的合计写法"),
    }),
    "enumeration": KindSpec("所述个数与列举", {
        "label": _f(TEXT, "所述事项（如：直属事业单位）"),
        "count_stated": _f(COUNT, "所述个数"),
        "count_listed": _f(COUNT, "实际列举的个数"),
        "items": _f(TEXT, "列举的名称"),
    }),
    "amount": KindSpec("金额", {
        "value": _f(MONEY, "金额（按原文单位换算为万元）"),
        "unit_written": _f(TEXT, "原文单位"),
        "label": _f(TEXT, "金额所属栏目（如：年初预算）"),
        "usual_unit": _f(TEXT, "周围金额多数所用的单位"),
        "usual_share": _f(PERCENT, "周围金额中用该单位的比例"),
        "unit_context": _f(TEXT, "比较的范围（同一处 / 相邻一处或全文）"),
        "usual_is_prevailing": _f(BOOL, "周围金额的单位就是全文最常用的单位"),
        "magnitude_gap": _f(NUMBER, "按原文单位与周围金额中位数相差的数量级"),
        "meant_gap": _f(NUMBER, "按周围的单位理解后与其中位数相差的数量级"),
        "twin_gap": _f(NUMBER, "同一串数字在别处按周围的单位写过，两者相差的数量级"),
        "significant_digits": _f(COUNT, "该金额的有效数字位数"),
        "product_expected": _f(MONEY, "该金额作为合计时的“数量×单价”"),
        "product_meant": _f(MONEY, "该合计按另一个单位理解"),
        "meant_unit": _f(TEXT, "按上下文推断的单位"),
        "meant_value": _f(MONEY, "按推断单位理解的金额"),
        "anomaly_reason": _f(TEXT, "推断依据"),
    }),
}


def field_label(kind: str, name: str) -> str:
    spec = KINDS.get(kind)
    if spec and name in spec.fields:
        return spec.fields[name].label
    return name


# Yes/no fields the derive stage decides in Python, by kind. A rule that tests one is not decided by the
# engine alone: `perfcheck rules list` says so. Empty since issue 12: derive gives figures (orders of
# magnitude, shortfalls, the lowest rate) and the rules judge them.
DERIVED_JUDGMENTS: dict[str, frozenset] = {}
