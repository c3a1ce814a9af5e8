"""Word documents of a project: the task contract (任务书) from the application and the
approved budget, and the acceptance opinion (验收意见). python-docx, as kpi.monthly_report;
every run gets its East Asian font (``w:eastAsia``), or Word shows Chinese in a fallback."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kechuang.projects.models import Acceptance, Category, Expert, Project, Source

FONT = "宋体"


def _fonts(run: Any, *, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _document() -> Any:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return doc


def _title(doc: Any, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(p.add_run(text), size=18, bold=True)


def _heading(doc: Any, text: str) -> None:
    _fonts(doc.add_paragraph().add_run(text), size=12, bold=True)


def _para(doc: Any, text: str) -> None:
    _fonts(doc.add_paragraph().add_run(text), size=11)


def _table(doc: Any, rows: list[list[str]], *, header: bool = True) -> None:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            _fonts(cell.paragraphs[0].add_run(text), size=10, bold=(header and r == 0) or None)


def _bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def _basics(project: Project) -> list[list[str]]:
    return [
        [_("项目名称"), project.title], [_("项目编号"), project.code],
        [_("计划类别"), project.programme.name],
        [_("承担单位"), project.lead.name],
        [_("合作单位"), "、".join(p.name for p in project.partners.all()) or "—"],
        [_("项目负责人"), project.pi_name],
        [_("起止日期"), f"{project.approved_on:%Y-%m-%d} — "
                    f"{project.ends_on:%Y-%m-%d}" if project.ends_on else
         f"{project.approved_on:%Y-%m-%d} —"],
    ]


def task_contract(project: Project, *, budget: dict[tuple[str, str], int],
                  instalments: list[Any]) -> bytes:
    """The task contract: the project's parties, objectives, 考核指标, the approved budget by
    category × source (with approved reallocations) and the funding plan by instalment."""
    doc = _document()
    _title(doc, _("长治市科技计划项目任务书"))
    _table(doc, _basics(project), header=False)
    objectives = project.application.objectives if project.application_id else ""
    _heading(doc, _("一、研究目标"))
    _para(doc, objectives or "—")
    _heading(doc, _("二、考核指标"))
    for i, target in enumerate(project.target_list(), 1):
        _para(doc, f"{i}. {target}")
    if not project.target_list():
        _para(doc, "—")
    _heading(doc, _("三、经费预算（元）"))
    sources = [s for s in Source.values if any(k[0] == s and v for k, v in budget.items())]
    labels = dict(Source.choices)
    rows = [[_("科目"), *[str(labels[s]) for s in sources], _("合计")]]
    for cat, cat_label in Category.choices:
        amounts = [Decimal(budget.get((s, cat), 0)) / 100 for s in sources]
        if any(amounts):
            rows.append([str(cat_label), *[_yuan(a) for a in amounts], _yuan(sum(amounts))])
    totals = [sum((Decimal(budget.get((s, c), 0)) / 100 for c in Category.values), Decimal(0))
              for s in sources]
    rows.append([_("合计"), *[_yuan(t) for t in totals], _yuan(sum(totals, Decimal(0)))])
    if sources:
        _table(doc, rows)
    else:
        _para(doc, _("市财政 %(c)s 元，省财政 %(p)s 元，企业自筹 %(e)s 元") % {
            "c": _yuan(project.approved_city_yuan), "p": _yuan(project.approved_province_yuan),
            "e": _yuan(project.approved_enterprise_yuan)})
    _heading(doc, _("四、拨付计划"))
    if instalments:
        _table(doc, [[_("资金来源"), _("批次"), _("拨付条件"), _("金额（元）")]] + [
            [i.funding.get_source_display(), str(i), i.get_condition_display(),
             _yuan(i.amount_yuan)] for i in instalments])
    else:
        _para(doc, "—")
    _heading(doc, _("五、签订"))
    _para(doc, _("项目承担单位（盖章）：                  项目负责人（签字）："))
    _para(doc, _("长治市科学技术局（盖章）：              签订日期：    年  月  日"))
    return _bytes(doc)


def acceptance_opinion(acceptance: Acceptance, *, experts: list[Expert],
                       opinions: Sequence[Any] = ()) -> bytes:
    """The 验收意见: the self-evaluation per 考核指标, the group, each expert's opinion (per
    考核指标 and the conclusion they recommend), the city's conclusion and why."""
    project = acceptance.project
    doc = _document()
    _title(doc, _("长治市科技计划项目验收意见"))
    _table(doc, _basics(project), header=False)
    _heading(doc, _("一、考核指标完成情况"))
    _table(doc, [[_("考核指标"), _("完成情况"), _("是否完成")]] + [
        [e["target"], e["achieved"], _("是") if e.get("met") else _("否")]
        for e in acceptance.self_evaluation])
    _heading(doc, _("二、验收专家组"))
    if experts:
        _table(doc, [[_("姓名"), _("职称"), _("工作单位")]] + [
            [e.name, e.get_title_display(), e.organisation.name if e.organisation else "—"]
            for e in experts])
    else:
        _para(doc, _("尚未抽取"))
    if opinions:
        _heading(doc, _("三、专家验收意见"))
        _table(doc, [[_("专家"), _("考核指标评价"), _("建议结论"), _("意见")]] + [
            [o.task.expert_profile.name,
             "；".join(f"{t}：{r}" for t, r in o.rating_rows()),
             o.get_recommendation_display(), o.opinion] for o in opinions])
    _heading(doc, _("四、验收意见") if opinions else _("三、验收意见"))
    _para(doc, acceptance.opinion or _("（待专家组评议）"))
    _heading(doc, _("五、验收结论") if opinions else _("四、验收结论"))
    _para(doc, acceptance.get_conclusion_display() or _("（待定）"))
    if acceptance.decided_on:
        _para(doc, _("验收日期：%(d)s") % {"d": f"{acceptance.decided_on:%Y年%m月%d日}"})
    _para(doc, _("专家组组长（签字）：                  长治市科学技术局（盖章）"))
    return _bytes(doc)


# ---- the project dossier (archive zip) ------------------------------------------------------

SUMMARY_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 18mm; }}
body {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; }}
h1 {{ font-size: 16pt; text-align: center; }} table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #999; padding: 3px 6px; text-align: left; }}
</style></head><body><h1>{title}</h1><table>{rows}</table></body></html>"""


def _summary_pdf(project: Project, extra: list[tuple[str, str]]) -> bytes | None:
    """A one-page summary as PDF (WeasyPrint); None where its system libraries are missing."""
    from django.utils.html import escape

    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                   for k, v in [*_basics(project), *extra])
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        return None
    return HTML(string=SUMMARY_HTML.format(title=escape(_("科技项目档案") + " " + project.code),
                                           rows=rows)).write_pdf()


def _csv(rows: list[list[Any]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def dossier(project: Project, *, budget: dict[tuple[str, str], int], instalments: list[Any],
            reviews: list[Any], trail: list[Any], disbursements: list[Any],
            reports: list[Any], acceptance: Acceptance | None,
            group: list[Expert], opinions: Sequence[Any] = (),
            attachments: Sequence[Any] = ()) -> bytes:
    """The archive of a project in one zip: a summary PDF, the task contract and the
    acceptance opinion, the reviews, every decision of the trail, the ledger, and the
    attachments (the application's under 申报附件/, report evidence, audit report)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        extra = [(_("阶段"), project.get_stage_display()),
                 (_("批准经费（元）"), _yuan(project.approved_total_yuan)),
                 (_("已拨付（元）"), _yuan(sum((d.amount_yuan for d in disbursements),
                                              Decimal(0))))]
        if acceptance and acceptance.conclusion:
            extra.append((_("验收结论"), acceptance.get_conclusion_display()))
        pdf = _summary_pdf(project, extra)
        if pdf:
            z.writestr("项目概要.pdf", pdf)
        z.writestr("任务书.docx", task_contract(project, budget=budget,
                                              instalments=instalments))
        if acceptance is not None:
            z.writestr("验收意见.docx", acceptance_opinion(acceptance, experts=group,
                                                          opinions=opinions))
            if acceptance.audit_report:
                with acceptance.audit_report.open("rb") as f:
                    z.writestr(f"附件/{acceptance.audit_report_name}", f.read())
        z.writestr("评审意见.csv", _csv([[_("专家"), _("评审类型"), _("加权总分"), _("分项得分"),
                                         _("评审意见"), _("提交时间")]] + [
            [r.assignment.expert_profile.name, r.assignment.draw.get_kind_display(), r.total,
             "；".join(f"{k}:{v}" for k, v in r.scores.items()), r.opinion,
             f"{r.submitted_at:%Y-%m-%d %H:%M}"] for r in reviews]))
        z.writestr("办理记录.csv", _csv([[_("时间"), _("流程"), _("操作"), _("操作人"),
                                         _("意见/原因")]] + [
            [f"{t.at:%Y-%m-%d %H:%M}", t.workflow, t.action_label or t.action, t.actor_name,
             t.reason] for t in trail]))
        z.writestr("拨付记录.csv", _csv([[_("拨付日期"), _("资金来源"), _("批次"),
                                         _("金额（元）"), _("凭证号")]] + [
            [f"{d.paid_on:%Y-%m-%d}", d.get_source_display(), str(d.instalment),
             d.amount_yuan, d.voucher_no] for d in disbursements]))
        for r in reports:
            if r.evidence:
                with r.evidence.open("rb") as f:
                    z.writestr(f"附件/{r.pk}-{r.evidence_name}", f.read())
        for a in attachments:
            label = a.requirement or _("其他附件")
            try:
                with a.file.open("rb") as f:
                    z.writestr(f"申报附件/{a.pk}-{label}-{a.original_name}", f.read())
            except FileNotFoundError:  # a lost file is named, not silently dropped
                z.writestr(f"申报附件/{a.pk}-{label}-文件缺失.txt",
                           _("文件“%(n)s”在存储中缺失") % {"n": a.original_name})
    return buf.getvalue()
