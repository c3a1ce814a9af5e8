"""Excel exports of cultivation records and the candidate pool, run as background jobs.

Each handler re-reads its rows through the list page's selector with the action ``export``
and the filters the user had on screen, so the workbook holds exactly the rows the list
showed (a county clerk: their county's).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

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


CANDIDATE_EXPORT = list_export("cultivation.candidate_export", _l("导出后备库"), _l("后备库"),
                               tables.CANDIDATES.excel_columns, selectors.ranked_candidates)

export_records = register(RECORD_EXPORT)
export_candidates = register(CANDIDATE_EXPORT)
