"""The R&D lists' columns: each page's rows and its Excel export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.tables import Column, RenderContext, Table, date_text, esc, wan, yes_no


def _link(url_name: str, text: Any):
    def cell(row: Any, ctx: RenderContext) -> str:
        return (f'<a class="text-decoration-none fw-semibold" '
                f'href="{ctx.url(url_name, row.pk)}">{esc(text(row))}</a>')
    return cell


def _badge(text: str, css: str = "text-bg-secondary") -> str:
    return f'<span class="badge {css}" data-testid="status">{esc(text)}</span>'


STATUS_CSS = {"approved": "text-bg-success", "rejected": "text-bg-danger",
              "returned": "text-bg-warning", "reviewing": "text-bg-info",
              "draft": "text-bg-light"}


def _application_status(a: Any, ctx: RenderContext) -> str:
    """Staff see the internal step; applicants the public label (已受理 / 评审中 / …)."""
    text = a.get_status_display() if ctx.flags.get("internal") else a.public_label
    return _badge(text, STATUS_CSS.get(a.status, "text-bg-secondary"))


def _identity(text: Any):
    """A party's name, hidden from reviewers where the call is blind (匿名评审)."""
    def cell(a: Any, ctx: RenderContext) -> str:
        if ctx.flags.get("hide_blind") and a.call.blind:
            return f'<span class="text-body-secondary">{esc(_("匿名"))}</span>'
        return esc(text(a))
    return cell


def _pct(value: Any) -> str:
    return "" if value is None else f"{value.normalize():f}%"


PROGRAMMES = Table([
    Column(_l("名称"), lambda p: p.name, cell=_link("projects:programme_edit", lambda p: p.name),
           width=30),
    Column(_l("类别"), lambda p: p.get_level_display(), width=24),
    Column(_l("市财政比例"), lambda p: _pct(p.share_city_pct), width=10),
    Column(_l("省财政比例"), lambda p: _pct(p.share_province_pct), width=10),
    Column(_l("企业出资比例"), lambda p: _pct(p.share_enterprise_pct), width=10),
    Column(_l("单项市财政资助上限（万元）"),
           lambda p: None if p.cap_city_yuan is None else p.cap_city_yuan / 10000,
           excel="money", width=14, th_class="text-end", td_class="text-end",
           cell=lambda p, ctx: "" if p.cap_city_yuan is None else wan(p.cap_city_yuan)),
    Column(_l("企业自筹最低比例"), lambda p: "" if p.cofund_ratio is None
           else f"{p.cofund_ratio.normalize():f}", width=12),
], row_attrs='data-testid="programme-row"')

CALLS = Table([
    Column(_l("指南名称"), lambda c: c.title, cell=_link("projects:call_detail", lambda c: c.title),
           width=36),
    Column(_l("计划类别"), lambda c: c.programme.name, width=24),
    Column(_l("年度"), lambda c: c.year, excel="number", width=8),
    Column(_l("申报截止日期"), lambda c: c.deadline, excel="date", width=12,
           cell=lambda c, ctx: date_text(c.deadline)),
    Column(_l("专业领域"), lambda c: c.fields, width=24),
    Column(_l("已发布"), lambda c: yes_no(c.published), width=8),
], row_attrs='data-testid="call-row"')

APPLICATIONS = Table([
    Column(_l("项目名称"), lambda a: a.title,
           cell=_link("projects:application_detail", lambda a: a.title), width=32),
    Column(_l("申报指南"), lambda a: a.call.title, width=28),
    Column(_l("牵头单位"), lambda a: a.lead.name, width=28,
           cell=_identity(lambda a: a.lead.name)),
    Column(_l("县区"), lambda a: a.county.name, width=10, td_class="text-nowrap",
           cell=_identity(lambda a: a.county.name)),
    Column(_l("项目负责人"), lambda a: a.pi_name, width=10, cell=_identity(lambda a: a.pi_name)),
    Column(_l("总预算（万元）"), lambda a: a.total_budget_yuan / 10000, excel="money", width=12,
           cell=lambda a, ctx: wan(a.total_budget_yuan), th_class="text-end",
           td_class="text-end"),
    Column(_l("状态"), lambda a: a.public_label, cell=_application_status, width=10),
], row_attrs='data-testid="application-row"')

EXPERTS = Table([
    Column(_l("姓名"), lambda e: e.name, width=10,
           cell=_link("projects:expert_edit", lambda e: e.name)),
    Column(_l("职称"), lambda e: e.get_title_display(), width=10),
    Column(_l("工作单位"), lambda e: e.organisation.name if e.organisation else "", width=28),
    Column(_l("专业领域"), lambda e: e.fields, width=30),
    Column(_l("可参加评审"), lambda e: yes_no(e.available), width=10),
    Column(_l("在评任务"), lambda e: e.live, excel="number", width=10),
    Column(_l("曾任职单位"), lambda e: e.former_employers_cell(), width=40, page=False),
], row_attrs='data-testid="expert-row"')

ASSIGNMENTS = Table([
    Column(_l("项目名称"), lambda a: a.application.title,
           cell=_link("projects:review", lambda a: a.application.title), width=32),
    Column(_l("申报指南"), lambda a: a.application.call.title, width=28),
    Column(_l("评审类型"), lambda a: a.draw.get_kind_display(), width=10),
    Column(_l("评审专家"), lambda a: a.expert_profile.name, width=10, page=False),
    Column(_l("抽取日期"), lambda a: a.draw.drawn_at.date(), excel="date", width=12,
           page=False),
    Column(_l("状态"), lambda a: a.get_status_display(),
           cell=lambda a, ctx: _badge(a.get_status_display()), width=10),
    Column(_l("已评分"), lambda a: yes_no(getattr(a, "review", None) is not None), width=8),
], row_attrs='data-testid="assignment-row"')

ACCEPTANCE_TASKS = Table([
    Column(_l("项目编号"), lambda t: t.acceptance.project.code, width=16,
           td_class="text-nowrap"),
    Column(_l("项目名称"), lambda t: t.acceptance.project.title,
           cell=_link("projects:acceptance_task", lambda t: t.acceptance.project.title),
           width=32),
    Column(_l("承担单位"), lambda t: t.acceptance.project.lead.name, width=28),
    Column(_l("验收专家"), lambda t: t.expert_profile.name, width=10, page=False),
    Column(_l("状态"), lambda t: t.get_status_display(),
           cell=lambda t, ctx: _badge(t.get_status_display()), width=10),
    Column(_l("建议结论"), lambda t: (t.opinion.get_recommendation_display()
                                  if getattr(t, "opinion", None) is not None else ""),
           width=10, page=False),
    Column(_l("已提交意见"), lambda t: yes_no(getattr(t, "opinion", None) is not None),
           width=10),
], row_attrs='data-testid="acceptance-task-row"')

PROJECTS = Table([
    Column(_l("项目编号"), lambda p: p.code, width=16, td_class="text-nowrap"),
    Column(_l("项目名称"), lambda p: p.title,
           cell=_link("projects:project_detail", lambda p: p.title), width=32),
    Column(_l("类别"), lambda p: p.get_level_display(), width=20),
    Column(_l("立项年度"), lambda p: p.year, excel="number", width=8),
    Column(_l("承担单位"), lambda p: p.lead.name, width=28),
    Column(_l("县区"), lambda p: p.county.name, width=10, td_class="text-nowrap"),
    Column(_l("阶段"), lambda p: p.get_stage_display(), width=10,
           cell=lambda p, ctx: _badge(p.get_stage_display())),
    Column(_l("市财政（万元）"), lambda p: p.approved_city_yuan / 10000, excel="money",
           width=12, cell=lambda p, ctx: wan(p.approved_city_yuan), th_class="text-end",
           td_class="text-end"),
    Column(_l("省财政（万元）"), lambda p: p.approved_province_yuan / 10000, excel="money",
           width=12, page=False),
    Column(_l("企业自筹（万元）"), lambda p: p.approved_enterprise_yuan / 10000, excel="money",
           width=12, page=False),
    Column(_l("上年度结转"), lambda p: yes_no(p.carried_over), width=10),
], row_attrs='data-testid="project-row"')

DISBURSEMENTS = Table([
    Column(_l("拨付日期"), lambda d: d.paid_on, excel="date", width=12,
           cell=lambda d, ctx: date_text(d.paid_on), td_class="text-nowrap"),
    Column(_l("项目编号"), lambda d: d.project.code, width=16, td_class="text-nowrap"),
    Column(_l("项目名称"), lambda d: d.project.title,
           cell=lambda d, ctx: (f'<a class="text-decoration-none" href="'
                                f'{ctx.url("projects:project_detail", d.project_id)}">'
                                f'{esc(d.project.title)}</a>'), width=32),
    Column(_l("承担单位"), lambda d: d.project.lead.name, width=28),
    Column(_l("资金来源"), lambda d: d.get_source_display(), width=12),
    Column(_l("批次"), lambda d: str(d.instalment), width=8),
    Column(_l("拨付金额（万元）"), lambda d: d.amount_yuan / 10000, excel="money", width=14,
           cell=lambda d, ctx: wan(d.amount_yuan), th_class="text-end", td_class="text-end"),
    Column(_l("凭证号"), lambda d: d.voucher_no, width=14),
    Column(_l("经办人"), lambda d: d.paid_by.get_full_name() or d.paid_by.username, width=10),
], row_attrs='data-testid="disbursement-row"')


def _days_late(d: Any) -> int:
    from django.utils import timezone

    return (timezone.localdate() - d.due_on).days


OVERDUE_REPORTS = Table([
    Column(_l("应报日期"), lambda d: d.due_on, excel="date", width=12,
           cell=lambda d, ctx: date_text(d.due_on), td_class="text-nowrap"),
    Column(_l("逾期天数"), _days_late, excel="number", width=10, th_class="text-end",
           td_class="text-end"),
    Column(_l("项目编号"), lambda d: d.project.code, width=16, td_class="text-nowrap"),
    Column(_l("项目名称"), lambda d: d.project.title,
           cell=lambda d, ctx: (f'<a class="text-decoration-none" href="'
                                f'{ctx.url("projects:project_detail", d.project_id)}">'
                                f'{esc(d.project.title)}</a>'), width=32),
    Column(_l("承担单位"), lambda d: d.project.lead.name, width=28),
    Column(_l("县区"), lambda d: d.project.county.name, width=10, td_class="text-nowrap"),
    Column(_l("类型"), lambda d: d.get_kind_display(), width=10),
    Column(_l("报告期"), lambda d: d.period, width=14),
    Column(_l("项目负责人"), lambda d: d.project.pi_name, width=10),
], row_attrs='data-testid="overdue-row"')
