"""改革措施落实 counts the measures' records; the monthly report gains the supervision section
(through kechuang.metrics' report-section registry, kpi does not import supervision)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang import metrics
from kechuang.kpi import monthly_report
from kechuang.kpi.selectors import build_dashboard
from kechuang.supervision import services
from kechuang.supervision.tests.conftest import pdf_file

pytestmark = pytest.mark.django_db


def _measure(users, plan, unit, n):
    return services.save_measure(actor=users["city_staff"], data={
        "plan": plan, "number": n, "title": f"措施{n}", "area": "supply",
        "mechanism": "projects", "is_example": True}, lead_unit=unit,
        due_date=dt.date(2025, 12, 31))


def test_the_indicator_counts_finished_measures_from_their_day(users, plan, units):
    metric = metrics.get("reform_measures_done")
    measures = [_measure(users, plan, units["division"], n) for n in (1, 2, 3)]
    for m, day in zip(measures[:2], (dt.date(2025, 3, 10), dt.date(2025, 6, 30)), strict=True):
        services.file_update(actor=users["city_staff"], item=m.item, unit=units["division"],
                             text="已印发", reported_on=day, completes=True,
                             files=[pdf_file()])
    assert metric.value(year=2025, as_of=dt.date(2025, 3, 9)) == 0
    assert metric.value(year=2025, as_of=dt.date(2025, 3, 10)) == 1
    assert metric.value(year=2025, as_of=dt.date(2025, 6, 29)) == 1
    assert metric.value(year=2025, as_of=dt.date(2025, 6, 30)) == 2
    assert metric.value(year=2026, as_of=dt.date(2026, 6, 30)) == 0
    recs = metric.records(year=2025, as_of=dt.date(2025, 12, 31))
    assert {r.measure.number for r in recs} == {1, 2}


def test_the_dashboard_marks_it_counted_and_the_report_has_the_section(users, plan, units,
                                                                       item):
    m = _measure(users, plan, units["division"], 1)
    services.file_update(actor=users["city_staff"], item=m.item, unit=units["division"],
                         text="已印发", reported_on=dt.date(2025, 5, 5), completes=True,
                         files=[pdf_file()])
    board = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31))
    row = board.row("reform_measures_done")
    assert row.source_kind == "metric"
    assert row.progress.value == 1
    report = monthly_report.prepare(board, with_charts=False)
    (section,) = report.sections
    assert section.title == "重点任务和改革措施督查"
    assert ("改革措施", "0", "0", "1", "0", "1") in section.rows
    assert ("行动1", "0", "0", "0", "1", "1") in section.rows  # the task: milestones missed
    html = monthly_report.render_html(board, report)
    assert "五、重点任务和改革措施督查" in html
    assert monthly_report.render_xlsx(board, report)[:2] == b"PK"
    assert monthly_report.render_docx(board, report)[:2] == b"PK"
