"""The supervision lists' columns: the page and the Excel export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.tables import Column, RenderContext, Table, date_text, esc
from kechuang.policy import supervision as rule
from kechuang.supervision.models import STATUS_LABELS

STATUS_CSS = {rule.NOT_STARTED: "text-bg-secondary", rule.IN_PROGRESS: "text-bg-primary",
              rule.DONE: "text-bg-success", rule.LATE: "text-bg-danger"}
NOTICE_CSS = {"open": "text-bg-warning", "answered": "text-bg-success",
              "overdue": "text-bg-danger"}


def status_badge(status: str) -> str:
    return (f'<span class="badge {STATUS_CSS.get(status, "text-bg-light")}" '
            f'data-testid="status" data-status="{esc(status)}">'
            f'{esc(STATUS_LABELS.get(status, status))}</span>')


def notice_badge(n: Any) -> str:
    state = n.state()
    return (f'<span class="badge {NOTICE_CSS[state]}" data-testid="notice-state" '
            f'data-state="{state}">{esc(n.state_label())}</span>')


def _title(i: Any) -> str:
    return i.task.text if i.task_id else f"{i.measure.number}. {i.measure.title}"


def _title_cell(i: Any, ctx: RenderContext) -> str:
    example = ""
    if i.measure_id and i.measure.is_example:
        example = f' <span class="badge text-bg-light border">{esc(_("示例"))}</span>'
    return (f'<a class="text-decoration-none" href="{ctx.url("supervision:item_detail", i.pk)}"'
            f' data-testid="item-link">{esc(_title(i))}</a>{example}')


def _where(i: Any) -> str:
    if i.task_id:
        return _("行动%(n)s") % {"n": i.task.action.number}
    return i.measure.get_area_display()


def _cooperating(i: Any) -> str:
    return "、".join(u.name for u in i.cooperating_units.all())


ITEMS = Table([
    Column(_l("类型"), lambda i: i.get_kind_display(), width=10, td_class="text-nowrap"),
    Column(_l("行动/领域"), _where, width=16, td_class="text-nowrap"),
    Column(_l("事项"), _title, cell=_title_cell, width=50, td_class="kc-col-text"),
    Column(_l("机制"), lambda i: i.measure.get_mechanism_display() if i.measure_id else "",
           page=False, width=20),
    Column(_l("牵头单位"), lambda i: i.lead_unit.name, width=16, td_class="kc-col-name"),
    Column(_l("配合单位"), _cooperating, width=24, td_class="kc-col-name"),
    Column(_l("完成时限"), lambda i: i.due_date, excel="date", width=12, sort="due_date",
           cell=lambda i, ctx: date_text(i.due_date), td_class="text-nowrap"),
    Column(_l("办结日期"), lambda i: i.completed_on, excel="date", width=12, page=False),
    Column(_l("状态"), lambda i: str(STATUS_LABELS[i.derived_status]),
           cell=lambda i, ctx: status_badge(i.derived_status), width=10,
           td_class="text-nowrap"),
    Column(_l("示例数据"), lambda i: _("是") if i.measure_id and i.measure.is_example else "",
           page=False, width=8),
], row_attrs='data-testid="item-row"')


def _unit_cell(u: Any, ctx: RenderContext) -> str:
    return (f'<a class="text-decoration-none fw-semibold" '
            f'href="{ctx.url("supervision:unit_board", u.pk)}">{esc(u.name)}</a>')


UNITS = Table([
    Column(_l("单位名称"), lambda u: u.name, cell=_unit_cell, width=24, sort="name",
           td_class="kc-col-name"),
    Column(_l("类别"), lambda u: u.get_kind_display(), width=12, td_class="text-nowrap"),
    Column(_l("县区"), lambda u: u.county.name if u.county_id else "", width=12),
    Column(_l("督查联络人"), lambda u: str(u.supervisor) if u.supervisor_id else "", width=20),
    Column(_l("成员账号数"), lambda u: u.member_count, excel="number", width=10,
           td_class="text-end"),
    Column(_l("牵头事项"), lambda u: u.lead_count, excel="number", width=10,
           td_class="text-end"),
    Column(_l("全部事项"), lambda u: u.item_count, excel="number", width=10,
           td_class="text-end"),
], row_attrs='data-testid="unit-row"')


def _notice_cell(n: Any, ctx: RenderContext) -> str:
    return (f'<a class="text-decoration-none" href="{ctx.url("supervision:notice_detail", n.pk)}"'
            f' data-testid="notice-link">{esc(n.text[:60])}</a>')


NOTICES = Table([
    Column(_l("督办事项"), lambda n: n.text, cell=_notice_cell, excel="wrap", width=40,
           td_class="kc-col-text"),
    Column(_l("督查事项"), lambda n: str(n.item), width=40, td_class="kc-col-text"),
    Column(_l("督办单位"), lambda n: n.unit.name, width=16, td_class="kc-col-name"),
    Column(_l("督办日期"), lambda n: n.issued_on, excel="date", width=12, sort="issued_on",
           cell=lambda n, ctx: date_text(n.issued_on), td_class="text-nowrap"),
    Column(_l("答复期限"), lambda n: n.answer_due, excel="date", width=12, sort="answer_due",
           cell=lambda n, ctx: date_text(n.answer_due), td_class="text-nowrap"),
    Column(_l("答复日期"), lambda n: n.answered_on, excel="date", width=12,
           cell=lambda n, ctx: date_text(n.answered_on), td_class="text-nowrap"),
    Column(_l("答复内容"), lambda n: n.answer, excel="wrap", page=False, width=40),
    Column(_l("状态"), lambda n: n.state_label(), cell=lambda n, ctx: notice_badge(n),
           width=10, td_class="text-nowrap"),
], row_attrs='data-testid="notice-row"')
