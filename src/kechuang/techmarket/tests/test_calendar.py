"""The working-day calendar: the library plus the bureau's data file (调休 included)."""

from __future__ import annotations

import datetime as dt

from kechuang.techmarket.calendar import build_calendar, work_calendar

D = dt.date


def test_2025_national_day_and_adjusted_saturday():
    cal = work_calendar()
    assert not cal.is_working_day(D(2025, 10, 8))  # 国庆中秋 1–8 October
    assert cal.is_working_day(D(2025, 9, 28))  # Sunday worked (调休)
    assert cal.is_working_day(D(2025, 10, 11))  # Saturday worked (调休)
    # Tuesday 30 September + 1 working day jumps the whole holiday
    assert cal.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    # Friday 26 September + 1 is the worked Sunday, not Monday
    assert cal.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert cal.add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)
    assert cal.covers(D(2025, 1, 1), D(2026, 12, 31))


def test_data_file_alone_matches_the_library_for_2025_and_2026():
    both, alone = build_calendar(), build_calendar(use_library=False)
    for cal in (both, alone):
        assert {2025, 2026} <= set(cal.years)
    for year in (2025, 2026):
        assert {d for d in both.holidays if d.year == year} == \
            {d for d in alone.holidays if d.year == year}
        assert {d for d in both.workdays if d.year == year} == \
            {d for d in alone.workdays if d.year == year}


def test_the_bureau_extends_the_calendar_with_next_year(tmp_path):
    path = tmp_path / "cal.yaml"
    path.write_text("years:\n  2030:\n    source: 通知\n    holidays: [2030-01-01, 2030-01-02]\n"
                    "    workdays: [2030-01-05]\n", encoding="utf-8")
    cal = build_calendar(path)
    assert 2030 in cal.years and 2025 in cal.years  # library years kept
    assert not cal.is_working_day(D(2030, 1, 2))  # a Wednesday off
    assert cal.is_working_day(D(2030, 1, 5))  # a Saturday worked
    assert cal.add_working_days(D(2029, 12, 31), 1) == D(2030, 1, 3)
    assert "通知" in cal.source
