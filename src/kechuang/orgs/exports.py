"""Excel exports of the enterprise list and the annual reports, run as background jobs.

Each handler re-reads its rows through the same selector as the list page with the action
``export`` and the filters the user had on screen, so the workbook holds exactly the rows the
list showed. XlsxWriter in constant-memory mode writes row by row; rows are read in chunks
with their related rows prefetched (no per-row queries).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kechuang.core.excel import CHUNK, write_workbook
from kechuang.core.excel import stamp as _stamp
from kechuang.jobs.registry import JobOutput, Progress, job_handler
from kechuang.orgs import selectors, tables


@job_handler("orgs.enterprise_export")
def export_enterprises(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.with_chains(
            selectors.enterprise_list(user=job.owner, action="export", filters=job.params))
        total = qs.count()
        content, rows = write_workbook(sheet_name=_("企业名单"),
                                       columns=tables.ENTERPRISES.excel_columns(),
                                       rows=qs.iterator(chunk_size=CHUNK), total=total,
                                       progress=progress)
        return JobOutput(content=content, filename=f"{_('企业名单')}-{_stamp()}.xlsx",
                         summary={"rows": rows})


@job_handler("orgs.report_export")
def export_reports(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.report_list(user=job.owner, action="export", filters=job.params)
        total = qs.count()
        content, rows = write_workbook(sheet_name=_("企业年度报表"),
                                       columns=tables.REPORTS.excel_columns(),
                                       rows=qs.iterator(chunk_size=CHUNK), total=total,
                                       progress=progress)
        return JobOutput(content=content, filename=f"{_('企业年度报表')}-{_stamp()}.xlsx",
                         summary={"rows": rows})
