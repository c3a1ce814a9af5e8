"""The results list's columns: the page and the Excel export."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.excel import local
from kechuang.core.tables import Column, RenderContext, Table, esc, wan
from kechuang.policy.registry import document_label


def _rule(r: Any, ctx: RenderContext) -> str:
    return (f'{esc(r.get_rule_display())}<div class="small text-body-secondary" '
            f'title="{esc(document_label(r.rule_version))}">'
            f"{esc(document_label(r.rule_version, True))}</div>")


def _outcome(r: Any, ctx: RenderContext) -> str:
    css = ("text-bg-secondary" if r.outcome == "error" else
           "text-bg-success" if r.eligible else "text-bg-danger")
    return f'<span class="badge {css}">{esc(r.get_outcome_display())}</span>'


def _points(value: Any) -> str:
    return esc(floatformat(value, "-2"))


def _score(r: Any, ctx: RenderContext) -> str:
    if r.score is None:
        return "—"
    upper = (f"–{_points(r.score_max)}" if r.score_max is not None and r.score_max != r.score
             else "")
    return _points(r.score) + upper


def _assess_link(r: Any, ctx: RenderContext) -> str:
    url = ctx.url("assessment:enterprise_assessment", r.enterprise_id)
    return (f'<a class="btn btn-sm btn-link py-0" href="{url}?year={esc(r.year)}">'
            f'{esc(_("自评"))}</a>')


RESULTS = Table([
    Column(_l("企业"), lambda r: r.enterprise.name, excel_label=_l("企业名称"), width=34,
           th_class="kc-col-name", td_class="fw-semibold kc-col-name"),
    Column(_l("统一社会信用代码"), lambda r: r.enterprise.credit_code, width=22, page=False),
    Column(_l("县区"), lambda r: r.enterprise.county.name, excel_label=_l("所在县区"), width=12,
           td_class="text-nowrap"),
    Column(_l("年度"), lambda r: r.year, excel_label=_l("数据年度"), excel="number", width=9),
    Column(_l("规则"), lambda r: str(r.get_rule_display()), width=18, td_class="text-nowrap",
           cell=_rule),
    Column(_l("规则版本"), lambda r: r.rule_version, width=20, page=False),
    Column(_l("结论"), lambda r: str(r.get_outcome_display()), width=20, cell=_outcome),
    Column(_l("得分"), lambda r: r.score, excel="number", width=8, th_class="text-end",
           td_class="text-end text-nowrap", cell=_score),
    Column(_l("得分上限"), lambda r: r.score_max, excel="number", width=8, page=False),
    Column(_l("差（分）"), lambda r: r.gap_points, excel_label=_l("距通过还差（分）"),
           excel="number", width=10, th_class="text-end", td_class="text-end",
           cell=lambda r, ctx: "—" if r.gap_points is None else _points(r.gap_points)),
    Column(_l("未通过的条件"), lambda r: "、".join(r.failed_conditions or []), width=24,
           page=False),
    Column(_l("加计扣除额（万元）"), None, th_class="text-end", td_class="text-end",
           export=False, cell=lambda r, ctx: (
               "—" if r.rd_deduction_amount_yuan is None else esc(wan(
                   r.rd_deduction_amount_yuan)))),
    Column(_l("差距或原因"), lambda r: r.gap_text, excel="wrap", width=60,
           td_class="small kc-col-text",
           cell=lambda r, ctx: esc(Truncator(r.gap_text).chars(160))),
    Column(_l("加计扣除额（元）"), lambda r: r.rd_deduction_amount_yuan, excel="money", width=16,
           page=False),
    Column(_l("测评时间"), lambda r: local(r.computed_at), excel="datetime", width=17,
           page=False),
    Column("", None, td_class="text-nowrap", cell=_assess_link, export=False),
], row_attrs='data-testid="result-row"')
