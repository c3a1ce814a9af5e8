"""Excel export of the records behind an indicator (the drill-down list), as a job.

The job re-reads the records through the metric and ``restrict(user, "export")`` of the
records' model, so a county clerk's workbook holds exactly the rows their page listed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from kechuang.core.excel import write_workbook
from kechuang.jobs.registry import JobOutput, Progress, job_handler
from kechuang.kpi import selectors
from kechuang.metrics import records_table


@job_handler("kpi.records_export")
def export_records(job: Any, progress: Progress) -> JobOutput:
    p = job.params
    found = selectors.indicator_records(
        user=job.owner, indicator_id=p["indicator_id"],
        as_of=dt.date.fromisoformat(p["as_of"]), county_id=p.get("county_id"),
        action="export")
    if found is None:
        return JobOutput(summary={"rows": 0})
    metric, qs = found
    content, count = write_workbook(sheet_name=_("指标明细"),
                                    columns=records_table(metric).excel_columns(),
                                    rows=qs.iterator(chunk_size=2000), total=qs.count(),
                                    progress=progress)
    filename = _("%(name)s-明细-%(date)s.xlsx") % {"name": metric.name, "date": p["as_of"]}
    return JobOutput(content=content, filename=filename, summary={"rows": count})
