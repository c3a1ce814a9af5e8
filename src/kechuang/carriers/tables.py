"""The list columns: the page and the Excel export of platforms, occupants and evaluations."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.carriers.selectors import occupant_state
from kechuang.core.tables import Column, RenderContext, Table, badge, date_text, esc

LEVEL_BADGE = {"national": "text-bg-danger", "provincial": "text-bg-primary",
               "city": "text-bg-info"}
STATUS_BADGE = {"operating": "text-bg-success", "planning": "text-bg-warning",
                "revoked": "text-bg-secondary", "delisted": "text-bg-secondary"}
EVAL_BADGE = {"pending": "text-bg-warning", "submitted": "text-bg-info",
              "returned": "text-bg-danger", "graded": "text-bg-success"}
STATE_LABELS = {"present": _l("在孵"), "graduated": _l("已毕业"), "left": _l("已迁出")}


def level_badge(p: Any) -> str:
    if not p.level:
        return f'<span class="text-body-tertiary small">{esc(_("未认定"))}</span>'
    return badge(LEVEL_BADGE.get(p.level, "text-bg-light"), p.get_level_display(), "level")


def status_badge(p: Any) -> str:
    return badge(STATUS_BADGE.get(p.status, "text-bg-light"), p.get_status_display(), "status")


def _name_cell(p: Any, ctx: RenderContext) -> str:
    mark = (f' <span class="badge text-bg-light border" title="{esc(_("晋创谷·长治"))}">'
            f'{esc(_("晋创谷"))}</span>') if p.jinchuanggu else ""
    return (f'<a class="text-decoration-none fw-semibold" '
            f'href="{ctx.url("carriers:platform_detail", p.pk)}">{esc(p.name)}</a>{mark}')


PLATFORMS = Table([
    Column(_l("平台名称"), lambda p: p.name, cell=_name_cell, width=36, sort="name",
           td_class="kc-col-text", key="name"),
    Column(_l("类别"), lambda p: p.kind.name, width=16, td_class="text-nowrap", key="kind"),
    Column(_l("当前级别"), lambda p: p.get_level_display() if p.level else "",
           cell=lambda p, ctx: level_badge(p), width=10, sort="level", td_class="text-nowrap"),
    Column(_l("依托单位"), lambda p: p.lead_host.name, width=28, td_class="kc-col-name"),
    Column(_l("所在县区"), lambda p: p.county.name, width=10, td_class="text-nowrap"),
    Column(_l("技术领域"), lambda p: p.field, width=16, page=False),
    Column(_l("成立日期"), lambda p: p.established_on, excel="date", width=12,
           sort="established_on", cell=lambda p, ctx: date_text(p.established_on),
           td_class="text-nowrap"),
    Column(_l("状态"), lambda p: p.get_status_display(), cell=lambda p, ctx: status_badge(p),
           width=8, td_class="text-nowrap"),
    Column(_l("撤销/摘牌日期"), lambda p: p.ended_on, excel="date", width=12, page=False),
    Column(_l("晋创谷载体"), lambda p: _("是") if p.jinchuanggu else _("否"), width=8,
           page=False),
    Column(_l("面积（平方米）"), lambda p: p.area_sqm, excel="number", width=12, page=False),
    Column(_l("容量"), lambda p: p.capacity, excel="number", width=8, page=False),
], row_attrs='data-testid="platform-row"')


def _occupant_name(o: Any, ctx: RenderContext) -> str:
    url = ctx.url("carriers:occupant_edit", o.pk) if ctx.flags.get("can_change") else ""
    name = esc(o.name)
    return f'<a class="text-decoration-none" href="{url}">{name}</a>' if url else name


def _state(o: Any) -> str:
    return str(STATE_LABELS.get(occupant_state(o), ""))


OCCUPANTS = Table([
    Column(_l("名称"), lambda o: o.name, cell=_occupant_name, width=28, sort="name",
           td_class="kc-col-name"),
    Column(_l("类型"), lambda o: o.get_kind_display(), width=12, td_class="text-nowrap"),
    Column(_l("载体"), lambda o: o.carrier.name, width=30, td_class="kc-col-text",
           cell=lambda o, ctx: (f'<a class="text-decoration-none" href="'
                                f'{ctx.url("carriers:platform_detail", o.carrier_id)}">'
                                f'{esc(o.carrier.name)}</a>')),
    Column(_l("所在县区"), lambda o: o.carrier.county.name, width=10, td_class="text-nowrap"),
    Column(_l("领域"), lambda o: o.field, width=14),
    Column(_l("来源"), lambda o: o.origin, width=16, page=False),
    Column(_l("入驻日期"), lambda o: o.settled_on, excel="date", width=12, sort="settled_on",
           cell=lambda o, ctx: date_text(o.settled_on), td_class="text-nowrap"),
    Column(_l("毕业日期"), lambda o: o.graduated_on, excel="date", width=12,
           cell=lambda o, ctx: date_text(o.graduated_on), td_class="text-nowrap"),
    Column(_l("迁出日期"), lambda o: o.left_on, excel="date", width=12,
           cell=lambda o, ctx: date_text(o.left_on), td_class="text-nowrap"),
    Column(_l("状态"), _state, width=8, td_class="text-nowrap"),
], row_attrs='data-testid="occupant-row"')


def evaluation_badge(e: Any) -> str:
    return badge(EVAL_BADGE.get(e.status, "text-bg-light"), e.get_status_display(), "status")


EVALUATIONS = Table([
    Column(_l("平台名称"), lambda e: e.platform.name, width=36, td_class="kc-col-text",
           cell=lambda e, ctx: (f'<a class="text-decoration-none fw-semibold" href="'
                                f'{ctx.url("carriers:evaluation_detail", e.pk)}">'
                                f'{esc(e.platform.name)}</a>')),
    Column(_l("评价"), lambda e: e.campaign.title, width=24, td_class="kc-col-name"),
    Column(_l("类别"), lambda e: e.platform.kind.name, width=14, td_class="text-nowrap"),
    Column(_l("依托单位"), lambda e: e.platform.lead_host.name, width=26,
           td_class="kc-col-name"),
    Column(_l("所在县区"), lambda e: e.platform.county.name, width=10, td_class="text-nowrap"),
    Column(_l("研发人员（人）"), lambda e: e.rd_staff, excel="number", width=10, page=False),
    Column(_l("研发投入（元）"), lambda e: e.rd_spend_yuan, excel="money", width=14,
           page=False),
    Column(_l("承担科研项目（项）"), lambda e: e.projects, excel="number", width=10,
           page=False),
    Column(_l("授权发明专利（件）"), lambda e: e.patents, excel="number", width=10, page=False),
    Column(_l("转化科技成果（项）"), lambda e: e.achievements, excel="number", width=10,
           page=False),
    Column(_l("服务企业（家次）"), lambda e: e.services, excel="number", width=10, page=False),
    Column(_l("状态"), lambda e: e.get_status_display(),
           cell=lambda e, ctx: evaluation_badge(e), width=8, td_class="text-nowrap"),
    Column(_l("评价等级"), lambda e: e.get_grade_display() if e.grade else "", width=8,
           td_class="text-nowrap"),
    Column(_l("得分"), lambda e: e.score, excel="number", width=8, td_class="text-nowrap"),
    Column(_l("评价意见"), lambda e: e.comment, excel="wrap", width=30, page=False),
], row_attrs='data-testid="evaluation-row"')
