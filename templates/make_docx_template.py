"""Build templates/report.docx, the docxtpl Word template of the 审核意见 (audit opinion).

    .venv/bin/python templates/make_docx_template.py [OUTPUT]

The template is plain Word: auditors may open report.docx and restyle it (fonts, margins,
letterhead, wording) as long as the Jinja tags stay intact; re-running this script
rebuilds the stock version. checker/render/word.py fills it with docxtpl:

* ``{{ … }}``          a value (always autoescaped: report text is untrusted);
* ``{%p … %}``         a paragraph that holds only a block tag (for / if / endfor …);
  docxtpl replaces the whole paragraph with the tag;
* ``{%tr … %}``        the same for a table row (the rule table's loop).

Context (built by word.py, every value already a display string):
``doc`` (title, department, year, report_kind, source, source_name, status — missing → 未识别),
``meta`` (tool_version, pack_digest, checked_at, profile), ``failed``, ``error_code``,
``error_message``, ``summary``, ``score_line``, ``notices``, ``errors`` / ``warnings`` /
``infos`` / ``not_evaluable`` (lists of findings: no, title, rule, subject, message, marks,
compare, expected, actual, basis, fix, waiver, quotes [{page, text}], image (the page crop, errors,
warnings and infos only), image_note), ``rules`` (rule, title,
severity, status, checked), ``resolved`` (no, rule, subject, message), ``approx_note``, ``letter`` (number,
addressee, opening, request, issuer, date: the 审核意见书's own lines, as in the HTML) and ``letter_items`` (no,
page, problem, expected, fix: the errors and warnings of its 问题清单).

The document is the 审核意见书 first (number, title, addressee, opening, the 问题清单 table with an empty
单位反馈 column, the request with its deadline, issuer, date, 盖章), then 附件一 问题详情, then 附件二, the
reviewer's working papers, marked to be deleted before the letter is sent.

Typography follows GB/T 9704 loosely: A4, 宋体 body, 黑体 headings, black text.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUTPUT = Path(__file__).resolve().parent / "report.docx"

SONG = "宋体"  # SimSun
HEI = "黑体"  # SimHei
KAI = "楷体"  # KaiTi
FANG = "仿宋"  # FangSong: the body of an official letter (GB/T 9704: 仿宋 三号, 16 pt)
LETTER_SIZE = 16  # 三号
LATIN = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 minus left / right margins

THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# ---------------------------------------------------------------- low-level helpers


def _fonts(rpr, east: str, latin: str = LATIN) -> None:
    """Explicit fonts on an rPr: Latin for ascii/hAnsi/cs, `east` for East Asian text.
    Theme attributes win over explicit names, so they are removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:hint"), "eastAsia")


def _style(doc, name: str, *, base: str | None = "Normal", east: str = SONG, size: float = 12,
           bold: bool | None = None, align=None, before: float = 0, after: float = 0,
           line: float | None = 1.5, indent_chars: float | None = None, left_mm: float | None = None,
           keep_next: bool = False, kind=WD_STYLE_TYPE.PARAGRAPH):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, kind)
    if base and style.name != base:
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.color.rgb = BLACK
    style.font.italic = False
    if bold is not None:
        style.font.bold = bold
    _fonts(style.element.get_or_add_rPr(), east)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        pf.line_spacing = line
    if indent_chars is not None:  # first-line indent in characters (w:firstLineChars)
        ind = pf._element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(int(indent_chars * 100)))
        ind.set(qn("w:firstLine"), str(int(indent_chars * size * 20)))
    if left_mm is not None:
        pf.left_indent = Mm(left_mm)
    pf.keep_with_next = keep_next
    return style


def _shade(element_pr, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element_pr.append(shd)


def _left_border(style) -> None:
    ppr = style.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", "A6A6A6")):
        left.set(qn(k), v)
    bdr.append(left)
    ppr.append(bdr)
    _shade(ppr, "F2F2F2")


def _field(paragraph, instr: str, placeholder: str = "1") -> None:
    """A simple field (PAGE, NUMPAGES) that Word computes when it lays the page out."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _para(doc, text: str = "", style: str = "Normal", *, bold_label: str | None = None):
    """A paragraph; with bold_label, "label" is a bold run followed by `text` in a plain run."""
    p = doc.add_paragraph(style=style)
    if bold_label:
        p.add_run(bold_label).bold = True
    if text:
        p.add_run(text)
    return p


def _tag(doc, tag: str):
    """A paragraph holding only a docxtpl block tag ({%p … %})."""
    return doc.add_paragraph(tag, style="Normal")


def _cell(cell, text: str, *, style: str = "审核意见-表格", bold: bool = False, fill: str | None = None,
          width_mm: float | None = None, align=None):
    cell.text = ""
    p = cell.paragraphs[0]
    p.style = cell.part.document.styles[style]
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold = bold or None
    if fill:
        _shade(cell._tc.get_or_add_tcPr(), fill)
    if width_mm is not None:
        cell.width = Mm(width_mm)
    return cell


def _grid(table, widths_mm) -> None:
    """Fixed column widths: the grid (what LibreOffice reads), the table width and layout."""
    cols = table._tbl.tblGrid.findall(qn("w:gridCol"))
    for col, width in zip(cols, widths_mm):
        col.set(qn("w:w"), str(Mm(width).twips))
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(Mm(sum(widths_mm)).twips))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


# ---------------------------------------------------------------- document set-up


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(18)

    # document defaults: explicit CJK fonts and zh-CN language for every run
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default, SONG)
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")

    _style(doc, "Normal", base=None, size=12, line=1.5)
    _style(doc, "Title", east=HEI, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
           before=6, after=18, line=1.2, keep_next=True)
    title = doc.styles["Title"].element.get_or_add_pPr()
    for bdr in title.findall(qn("w:pBdr")):  # stock Title has a blue bottom rule
        title.remove(bdr)
    _style(doc, "Heading 1", east=HEI, size=16, bold=False, before=18, after=6, line=1.2, keep_next=True)
    _style(doc, "Heading 2", east=HEI, size=12, bold=False, before=10, after=2, line=1.2, keep_next=True)
    _style(doc, "审核意见-结论", size=12, indent_chars=2, before=4, after=4)
    _style(doc, "审核意见-字段", size=12, line=1.3, left_mm=7.4)
    _style(doc, "审核意见-原文", east=KAI, size=10.5, line=1.2, before=2, after=2, left_mm=9)
    _left_border(doc.styles["审核意见-原文"])
    _style(doc, "审核意见-表格", size=10.5, line=1.0, before=1, after=1)
    _style(doc, "审核意见-说明", size=10.5, line=1.3, before=18)
    # the letter itself, as official letters are set (GB/T 9704, as far as a template allows): 仿宋 三号
    _style(doc, "审核意见-正文", east=FANG, size=LETTER_SIZE, indent_chars=2, line=1.5, before=0, after=0)
    _style(doc, "审核意见-落款", east=FANG, size=LETTER_SIZE, line=1.5, before=30, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "审核意见-日期", east=FANG, size=LETTER_SIZE, line=1.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "审核意见-文号", east=FANG, size=LETTER_SIZE, line=1.5, after=6, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "审核意见-主送", east=FANG, size=LETTER_SIZE, line=1.5, before=6)
    for name in ("Header", "Footer"):
        _style(doc, name, size=9, line=1.0)

    header = section.header.paragraphs[0]
    header.text = "绩效自评报告审核意见"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页  共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")

    core = doc.core_properties
    core.title = "绩效自评报告审核意见"
    core.author = "perfcheck"
    core.comments = "docxtpl 模板：可在 Word 中修改版式与措辞，但须保留其中的 Jinja 标记（花括号标签）。"
    core.language = "zh-CN"


# ---------------------------------------------------------------- content


def _info_table(doc) -> None:
    label_w, value_w = 24, TEXT_WIDTH_MM / 2 - 24
    rows = [
        (("报告标题", "{{ doc.title }}"),),
        (("单位", "{{ doc.department }}"), ("年度", "{{ doc.year }}")),
        (("报告类型", "{{ doc.report_kind }}"), ("检查结果", "{{ doc.status }}")),
        (("源文件", "{{ doc.source_name }}"),),
        (("检查时间", "{{ meta.checked_at }}"), ("检查配置", "{{ meta.profile }}")),
        (("工具版本", "perfcheck {{ meta.tool_version }}"),),
        (("规则包", "{{ meta.pack_digest }}"),),
    ]
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _grid(table, (label_w, value_w, label_w, value_w))
    for r, pairs in enumerate(rows):
        cells = table.rows[r].cells
        widths = (label_w, value_w, label_w, value_w)
        for c in range(4):
            cells[c].width = Mm(widths[c])
        if len(pairs) == 1:
            (label, value), = pairs
            _cell(cells[0], label, bold=True, fill="F2F2F2", width_mm=label_w)
            merged = cells[1].merge(cells[3])
            _cell(merged, value, width_mm=TEXT_WIDTH_MM - label_w)
        else:
            for i, (label, value) in enumerate(pairs):
                _cell(cells[2 * i], label, bold=True, fill="F2F2F2", width_mm=label_w)
                _cell(cells[2 * i + 1], value, width_mm=value_w)


def _findings_block(doc, var: str, problem_label: str = "问题：") -> None:
    """One numbered entry per finding of list `var`, or "无。" when the list is empty."""
    _tag(doc, f"{{%p for f in {var} %}}")
    _para(doc, "{{ f.no }}. {{ f.title }}{{ f.marks }}", "Heading 2")  # no rule id: the department reads it
    _para(doc, "{{ f.subject }}", "审核意见-字段", bold_label="对象：")
    _para(doc, "{{ f.message }}", "审核意见-字段", bold_label=problem_label)
    _tag(doc, "{%p if f.compare %}")
    p = _para(doc, "{{ f.expected }}", "审核意见-字段", bold_label="应为：")
    p.add_run("；")
    p.add_run("实为：").bold = True
    p.add_run("{{ f.actual }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if f.basis %}")
    _para(doc, "{{ f.basis }}", "审核意见-字段", bold_label="依据：")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if f.fix %}")
    _para(doc, "{{ f.fix }}", "审核意见-字段", bold_label="整改建议：")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if f.waiver %}")
    _para(doc, "{{ f.waiver }}", "审核意见-字段", bold_label="豁免：")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for e in f.quotes %}")
    _para(doc, "{{ e.text }}", "审核意见-原文", bold_label="原文（{{ e.page }}）：")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if f.image %}")
    _para(doc, "{{ f.image }}", "审核意见-字段")
    _tag(doc, "{%p elif f.image_note %}")
    _para(doc, "{{ f.image_note }}", "审核意见-字段")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, f"{{%p if not {var} %}}")
    _para(doc, "无。", "审核意见-结论")
    _tag(doc, "{%p endif %}")


def _loop_table(doc, headers, widths, cells_text, loop: str, centered) -> None:
    """A table whose body row repeats with a docxtpl {%tr for %} loop (`loop`: "r in rules");
    `centered(i)` says which columns are centred."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _grid(table, widths)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for i, (head, width) in enumerate(zip(headers, widths)):
        _cell(table.rows[0].cells[i], head, bold=True, fill="F2F2F2", width_mm=width, align=center)
        _cell(table.rows[1].cells[i], f"{{%tr for {loop} %}}" if i == 0 else "", width_mm=width)
        _cell(table.rows[2].cells[i], cells_text[i], width_mm=width, align=center if centered(i) else None)
        _cell(table.rows[3].cells[i], "{%tr endfor %}" if i == 0 else "", width_mm=width)
    _repeat_header(table.rows[0])


def _rules_table(doc) -> None:
    _loop_table(doc, ("规则编号", "规则", "级别", "结果", "检查对象数"), (38, 60, 14, 20, 24),
                ("{{ r.rule }}", "{{ r.title }}", "{{ r.severity }}", "{{ r.status }}", "{{ r.checked }}"),
                "r in rules", lambda i: i >= 2)


def _issues_table(doc) -> None:
    """The letter's 问题清单: one row per error or warning, the 单位反馈 column left for the department."""
    _loop_table(doc, ("序号", "页", "问题", "应为", "整改建议", "单位反馈"), (11, 15, 58, 20, 30, 22),
                ("{{ i.no }}", "{{ i.page }}", "{{ i.problem }}", "{{ i.expected }}", "{{ i.fix }}", ""),
                "i in letter_items", lambda i: i < 2)


def _letter(doc) -> None:
    """The 审核意见书 itself: number, title, addressee, basis and scope, the list, the request, the signature."""
    _para(doc, "{{ letter.number }}", "审核意见-文号")
    doc.add_paragraph("绩效自评报告审核意见书", style="Title")
    _para(doc, "{{ letter.addressee }}：", "审核意见-主送")
    _para(doc, "{{ letter.opening }}", "审核意见-正文")
    _tag(doc, "{%p if letter_items %}")
    _para(doc, "经审核，发现需要核实更正的问题 {{ letter_items | length }} 项，列表如下；各项的报告原文、比对和依据见附件一。",
          "审核意见-正文")
    _issues_table(doc)
    _para(doc, "{{ letter.request }}", "审核意见-正文")
    _tag(doc, "{%p else %}")
    _para(doc, "经审核，按所执行的检查规则，未发现需要更正的问题。", "审核意见-正文")
    _tag(doc, "{%p endif %}")
    _para(doc, "{{ letter.issuer }}", "审核意见-落款")
    _para(doc, "{{ letter.date }}", "审核意见-日期")
    _para(doc, "（盖章）", "审核意见-日期")


def build(output: Path = OUTPUT) -> Path:
    doc = Document()
    _setup(doc)

    _tag(doc, "{%p for n in notices %}")
    _para(doc, "{{ n }}", "审核意见-结论", bold_label="注意：")
    _tag(doc, "{%p endfor %}")

    _tag(doc, "{%p if failed %}")
    doc.add_paragraph("绩效自评报告审核意见", style="Title")
    _info_table(doc)
    _para(doc, "未能检查本报告", "Heading 1")
    _para(doc, "{{ error_code }}", "审核意见-字段", bold_label="错误代码：")
    _para(doc, "{{ error_message }}", "审核意见-字段", bold_label="错误说明：")
    _para(doc, "本报告未能完成自动检查。请核对源文件（是否加密、损坏或为扫描件）后重新检查，"
               "或由审核人员人工审核。", "审核意见-结论")
    _tag(doc, "{%p else %}")

    _letter(doc)

    heading = _para(doc, "附件一：问题详情", "Heading 1")
    heading.paragraph_format.page_break_before = True
    _para(doc, "一、发现的问题（错误）", "Heading 1")
    _findings_block(doc, "errors")
    _para(doc, "二、需关注的问题（警告）", "Heading 1")
    _findings_block(doc, "warnings")
    _para(doc, "三、提示", "Heading 1")
    _findings_block(doc, "infos")

    heading = _para(doc, "附件二：审核人员工作底稿（送被审单位前删去）", "Heading 1")
    heading.paragraph_format.page_break_before = True
    _info_table(doc)
    _para(doc, "{{ summary }}", "审核意见-结论", bold_label="审核结论：")
    _tag(doc, "{%p if score_line %}")
    _para(doc, "{{ score_line }}", "审核意见-结论")
    _tag(doc, "{%p endif %}")
    _para(doc, "四、未能评估的检查", "Heading 1")
    _findings_block(doc, "not_evaluable", problem_label="原因：")

    _para(doc, "五、规则执行情况", "Heading 1")
    _tag(doc, "{%p if rules %}")
    _rules_table(doc)
    _tag(doc, "{%p else %}")
    _para(doc, "本次检查未记录规则执行情况。", "审核意见-结论")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if resolved %}")
    _para(doc, "六、与上次检查相比已解决的问题", "Heading 1")
    _tag(doc, "{%p for r in resolved %}")
    _para(doc, "{{ r.no }}. {{ r.rule }} · {{ r.subject }}：{{ r.message }}", "审核意见-字段")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p endif %}")

    _para(doc, "本审核意见由 perfcheck {{ meta.tool_version }} 依据规则包 {{ meta.pack_digest }} 自动生成，"
               "{{ approx_note }}仅作审核参考，结论须经审核人员复核。", "审核意见-说明", bold_label="说明：")
    _para(doc, "审核人：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿", "审核意见-落款")

    output.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(output))
    return output


if __name__ == "__main__":
    target = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    print(f"wrote {target}")
