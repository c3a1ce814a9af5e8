"""Where a dashboard figure comes from: counted from records (计数) or reported (上报).

Every figure on the dashboard, the indicator page and the monthly report carries this mark
with its definition and date, so a reader signing the report knows which numbers the
platform counted and which a department reported. Pure formatting: no queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kechuang import metrics as registry

COUNTED = "metric"
REPORTED = "reported"


@dataclass(frozen=True)
class FigureSource:
    kind: str  # "metric" | "reported" | "none"
    label: str  # 计数 / 上报
    text: str  # the definition and date, for the hover and the report

    @property
    def counted(self) -> bool:
        return self.kind == COUNTED


def _day(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def source_of(row: Any, as_of: dt.date) -> FigureSource:
    """The source of an indicator row's city figure at ``as_of``."""
    kind = row.source_kind
    if kind == COUNTED:
        metric = registry.get(row.metric_key or row.indicator.metric_key)
        if metric is None:  # a frozen snapshot of a metric no longer registered
            return FigureSource(kind, _("计数"), _("按业务记录计数（月度快照）"))
        return FigureSource(kind, _("计数"), _(
            "按业务记录计数：%(name)s。口径：%(definition)s 统计截至 %(day)s。") % {
            "name": metric.name, "definition": metric.description, "day": _day(as_of)})
    if kind == REPORTED:
        rv = row.reported
        if rv is None:
            if row.progress.value is not None:  # a frozen snapshot keeps only the figure
                return FigureSource(kind, _("上报"), _(
                    "审核通过的上报数值（月度快照，截至 %(day)s）") % {"day": _day(as_of)})
            return FigureSource(kind, _("上报"), _(
                "尚无审核通过的上报数值：在“指标上报”中填报并上传佐证材料，市局审核通过后显示。"))
        parts = getattr(rv, "parts", None)
        if parts:
            return FigureSource(kind, _("上报"), _(
                "%(n)s个县区审核通过的上报数值之和，最近截至 %(day)s。") % {
                "n": parts, "day": _day(rv.period_end)})
        return FigureSource(kind, _("上报"), _(
            "审核通过的上报数值：全市，截至 %(day)s，审核人 %(who)s。") % {
            "day": _day(rv.period_end), "who": rv.approved_by or "—"})
    return FigureSource("none", _("无来源"), _("暂无数据来源"))
