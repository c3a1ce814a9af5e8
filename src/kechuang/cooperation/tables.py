"""The columns of the three lists (projects, talents, achievements): page and Excel export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.cooperation import selectors
from kechuang.core.tables import Column, RenderContext, Table, badge, date_text, esc

STATUS_BADGE = {"operating": "text-bg-success", "building": "text-bg-primary",
                "preparing": "text-bg-info", "ended": "text-bg-secondary"}


def schedule_text(p: Any) -> str:
    if p.status == "ended":
        return _("已终止")
    if getattr(p, "overdue_n", 0):
        return _("滞后（%(n)s 个节点逾期）") % {"n": p.overdue_n}
    return _("按计划推进")


def schedule_badge(p: Any) -> str:
    if p.status == "ended":
        return badge("text-bg-secondary", schedule_text(p), "schedule")
    css = "text-bg-danger" if getattr(p, "overdue_n", 0) else "text-bg-success"
    return badge(css, schedule_text(p), "schedule")


def _project_name(p: Any, ctx: RenderContext) -> str:
    star = (f' <span class="badge text-bg-warning">{esc(_("省校合作"))}</span>'
            if p.provincial else "")
    return (f'<a class="text-decoration-none fw-semibold" '
            f'href="{ctx.url("cooperation:project_detail", p.pk)}">{esc(p.name)}</a>{star}')


def _locals(p: Any) -> str:
    return "、".join(o.name for o in p.local_partners.all())


PROJECTS = Table([
    Column(_l("项目名称"), lambda p: p.name, cell=_project_name, width=32, sort="name",
           td_class="kc-col-text"),
    Column(_l("合作形式"), lambda p: p.get_kind_display(), width=12, td_class="text-nowrap"),
    Column(_l("合作高校/院所"), lambda p: p.partner_name, width=24, td_class="kc-col-name"),
    Column(_l("本地合作单位"), _locals, width=30, td_class="kc-col-name"),
    Column(_l("所在县区"), lambda p: p.county.name, width=10, td_class="text-nowrap"),
    Column(_l("省校合作"), lambda p: _("是") if p.provincial else _("否"), page=False, width=8),
    Column(_l("协议签订日期"), lambda p: p.agreement_on, excel="date", width=12,
           sort="agreement_on", cell=lambda p, ctx: date_text(p.agreement_on),
           td_class="text-nowrap"),
    Column(_l("状态"), lambda p: p.get_status_display(),
           cell=lambda p, ctx: badge(STATUS_BADGE.get(p.status, "text-bg-light"),
                                     p.get_status_display(), "status"),
           width=8, td_class="text-nowrap"),
    Column(_l("建设进度"), schedule_text, cell=lambda p, ctx: schedule_badge(p), width=18,
           td_class="text-nowrap"),
    Column(_l("节点数"), lambda p: p.milestone_n, excel="number", width=8, page=False),
], row_attrs='data-testid="project-row"')


def _talent_label(t: Any, ctx: RenderContext) -> str:
    label = t.team_name or selectors.shown_name(t)
    if ctx.flags.get("can_change"):
        return (f'<a class="text-decoration-none fw-semibold" '
                f'href="{ctx.url("cooperation:talent_edit", t.pk)}">{esc(label)}</a>')
    return esc(label)


TALENTS = Table([
    Column(_l("团队/人才"), lambda t: t.team_name or selectors.shown_name(t), cell=_talent_label,
           width=24, td_class="kc-col-name"),
    Column(_l("姓名（团队负责人）"), selectors.shown_name, width=12, td_class="text-nowrap"),
    Column(_l("证件号码"), selectors.shown_id, width=20, page=False),
    Column(_l("类别"), lambda t: t.get_category_display(), width=12, td_class="text-nowrap"),
    Column(_l("引进方式"), lambda t: t.get_mode_display(), width=16, td_class="text-nowrap"),
    Column(_l("团队人数"), lambda t: t.members, excel="number", width=8, page=False),
    Column(_l("依托单位"), lambda t: t.host.name, width=26, td_class="kc-col-name"),
    Column(_l("所在县区"), lambda t: t.host.county.name, width=10, td_class="text-nowrap"),
    Column(_l("研究领域"), lambda t: t.field, width=16),
    Column(_l("来源单位"), lambda t: t.origin, width=20, page=False),
    Column(_l("关联合作项目"), lambda t: t.project.name if t.project_id else "", width=24,
           page=False),
    Column(_l("落地日期"), lambda t: t.started_on, excel="date", width=12, sort="started_on",
           cell=lambda t, ctx: date_text(t.started_on), td_class="text-nowrap"),
    Column(_l("离开日期"), lambda t: t.ended_on, excel="date", width=12, page=False),
    Column(_l("支持情况"), lambda t: t.support, excel="wrap", width=30, page=False),
    Column(_l("支持资金（元）"), lambda t: t.support_yuan, excel="money", width=14, page=False),
], row_attrs='data-testid="talent-row"')


def _achievement_title(a: Any, ctx: RenderContext) -> str:
    if ctx.flags.get("can_change"):
        return (f'<a class="text-decoration-none fw-semibold" '
                f'href="{ctx.url("cooperation:achievement_edit", a.pk)}">{esc(a.title)}</a>')
    return esc(a.title)


ACHIEVEMENTS = Table([
    Column(_l("成果名称"), lambda a: a.title, cell=_achievement_title, width=30, sort="title",
           td_class="kc-col-text"),
    Column(_l("成果来源"), lambda a: a.source, width=22, td_class="kc-col-name"),
    Column(_l("承接企业"), lambda a: a.receiver.name, width=26, td_class="kc-col-name"),
    Column(_l("所在县区"), lambda a: a.receiver.county.name, width=10, td_class="text-nowrap"),
    Column(_l("转化方式"), lambda a: a.get_mode_display(), width=10, td_class="text-nowrap"),
    Column(_l("转化金额（元）"), lambda a: a.amount_yuan, excel="money", width=16,
           sort="amount_yuan", th_class="text-end", td_class="text-end text-nowrap",
           cell=lambda a, ctx: esc(f"{a.amount_yuan:,.2f}")),
    Column(_l("转化日期"), lambda a: a.transferred_on, excel="date", width=12,
           sort="transferred_on", cell=lambda a, ctx: date_text(a.transferred_on),
           td_class="text-nowrap"),
    Column(_l("技术合同登记编号"), lambda a: a.contract_no, width=20, td_class="text-nowrap"),
    Column(_l("关联合作项目"), lambda a: a.project.name if a.project_id else "", width=24,
           page=False),
    Column(_l("说明"), lambda a: a.note, excel="wrap", width=30, page=False),
], row_attrs='data-testid="achievement-row"')
