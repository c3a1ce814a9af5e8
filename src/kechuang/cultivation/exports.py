"""Excel exports of cultivation records and the candidate pool, run as background jobs.

Each handler re-reads its rows through the list page's selector with the action ``export``
and the filters the user had on screen, so the workbook holds exactly the rows the list
showed (a county clerk: their county's).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kechuang.core.excel import CHUNK, Column, write_workbook
from kechuang.core.excel import local as _local
from kechuang.core.excel import stamp as _stamp
from kechuang.cultivation import selectors
from kechuang.jobs.registry import JobOutput, Progress, job_handler


def _enterprise_columns() -> list[Column]:
    return [
        Column(_("企业名称"), lambda r: r.enterprise.name, width=34),
        Column(_("统一社会信用代码"), lambda r: r.enterprise.credit_code, width=22),
        Column(_("所在县区"), lambda r: r.enterprise.county.name, width=12),
    ]


def record_columns(kind: str) -> list[Column]:
    cols = _enterprise_columns()
    if kind == "registration":
        cols += [
            Column(_("评价年度"), lambda r: r.year, kind="number", width=9),
            Column(_("入库登记编号"), lambda r: r.registration_no, width=22),
            Column(_("入库日期"), lambda r: r.registered_on, kind="date", width=12),
            Column(_("状态"), lambda r: r.get_status_display(), width=9),
            Column(_("撤销日期"), lambda r: r.revoked_on, kind="date", width=12),
            Column(_("撤销原因"), lambda r: r.revoke_reason, kind="wrap", width=24),
        ]
    elif kind == "certificate":
        today = timezone.localdate()
        cols += [
            Column(_("证书编号"), lambda r: r.certificate_no, width=18),
            Column(_("发证日期"), lambda r: r.issued_on, kind="date", width=12),
            Column(_("有效期至"), lambda r: r.expires_on, kind="date", width=12),
            Column(_("认定批次"), lambda r: r.batch, width=16),
            Column(_("认定类型"), lambda r: r.get_kind_display(), width=10),
            Column(_("状态"), lambda r: str(r.STATE_LABELS[r.state_on(today)]), width=9),
            Column(_("取消原因"), lambda r: r.revoke_reason, kind="wrap", width=24),
        ]
    else:
        cols += [
            Column(_("认定年度"), lambda r: r.year, kind="number", width=9),
            Column(_("认定日期"), lambda r: r.designated_on, kind="date", width=12),
            Column(_("认定文号"), lambda r: r.document_no, width=22),
        ]
    cols += [
        Column(_("备注"), lambda r: r.note, kind="wrap", width=24),
        Column(_("更新时间"), lambda r: _local(r.updated_at), kind="datetime", width=17),
    ]
    return cols


SHEETS = {"registration": "科技型中小企业入库", "certificate": "高新技术企业证书",
          "leader": "高科技领军企业"}


@job_handler("cultivation.record_export")
def export_records(job: Any, progress: Progress) -> JobOutput:
    kind = job.params.get("kind")
    if kind not in SHEETS:
        raise ValueError(f"unknown record kind {kind!r}")
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.record_list(user=job.owner, kind=kind, action="export",
                                   filters=job.params.get("filters") or {})
        total = qs.count()
        sheet = _(SHEETS[kind])
        content, rows = write_workbook(sheet_name=sheet, columns=record_columns(kind),
                                       rows=qs.iterator(chunk_size=CHUNK), total=total,
                                       progress=progress)
        return JobOutput(content=content, filename=f"{sheet}-{_stamp()}.xlsx",
                         summary={"rows": rows})


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


@job_handler("cultivation.candidate_export")
def export_candidates(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        ranked = selectors.ranked_candidates(user=job.owner, action="export",
                                             filters=job.params)
        content, rows = write_workbook(sheet_name=_("后备库"), columns=candidate_columns(),
                                       rows=iter(ranked), total=len(ranked),
                                       progress=progress)
        return JobOutput(content=content, filename=f"{_('后备库')}-{_stamp()}.xlsx",
                         summary={"rows": rows})
