"""Excel exports of cultivation records and the candidate pool, run as background jobs.

Each handler re-reads its rows through the list page's selector with the action ``export``
and the filters the user had on screen, so the workbook holds exactly the rows the list
showed (a county clerk: their county's).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.excel import Column
from kechuang.core.excel import local as _local
from kechuang.core.listexport import ListExport, list_export, register
from kechuang.cultivation import selectors, tables

SHEETS = {"registration": "科技型中小企业入库", "certificate": "高新技术企业证书",
          "leader": "高科技领军企业"}


RECORD_EXPORT = ListExport(
    kind="cultivation.record_export", title=_l("导出"), sheet=lambda p: _(SHEETS[_kind(p)]),
    columns=lambda p: tables.RECORDS[_kind(p)].excel_columns(),
    rows=lambda owner, p: selectors.record_list(user=owner, kind=_kind(p), action="export",
                                                filters=p.get("filters") or {}))


def _kind(params: dict[str, Any]) -> str:
    kind = params.get("kind")
    if kind not in SHEETS:
        raise ValueError(f"unknown record kind {kind!r}")
    return kind


def candidate_columns() -> list[Column]:
    return [
        Column(_("县区"), lambda c: c.entry.enterprise.county.name, width=12),
        Column(_("县区内排名"), lambda c: c.rank, kind="number", width=9),
        Column(_("企业名称"), lambda c: c.entry.enterprise.name, width=34),
        Column(_("统一社会信用代码"), lambda c: c.entry.enterprise.credit_code, width=22),
        Column(_("当前梯队"), lambda c: c.entry.enterprise.get_tier_display(), width=14),
        Column(_("培育目标"), lambda c: c.entry.get_target_rung_display(), width=14),
        Column(_("年度"), lambda c: c.entry.year, kind="number", width=8),
        Column(_("状态"), lambda c: c.entry.get_status_display(), width=9),
        Column(_("评估"), lambda c: {True: _("达标"), False: _("未达标"), None: ""}[
            c.gap.eligible], width=9),
        Column(_("得分/研发投入强度"), lambda c: c.gap.score, kind="money", width=12),
        Column(_("差距"), lambda c: c.gap.text, kind="wrap", width=40),
        Column(_("辅导次数"), lambda c: c.entry.visit_count, kind="number", width=9),
        Column(_("培育说明"), lambda c: c.entry.note, kind="wrap", width=30),
        Column(_("加入时间"), lambda c: _local(c.entry.added_at), kind="datetime", width=17),
    ]


CANDIDATE_EXPORT = list_export("cultivation.candidate_export", _l("导出后备库"), _l("后备库"),
                               candidate_columns, selectors.ranked_candidates)

export_records = register(RECORD_EXPORT)
export_candidates = register(CANDIDATE_EXPORT)
