"""Reads: score aggregation (mean, trimmed mean from five scores, disagreement)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from kechuang.projects.selectors import score_summary


def _reviews(*totals):
    return [SimpleNamespace(total=Decimal(t)) for t in totals]


def test_mean_without_trimming_below_five_scores():
    s = score_summary(_reviews(70, 80, 90, 100))
    assert s["mean"] == Decimal("85.00") and s["trimmed"] == Decimal("85.00")
    assert s["disagree"] is True  # spread 30 ≥ 20


def test_trimmed_mean_drops_highest_and_lowest_from_five():
    s = score_summary(_reviews(60, 80, 81, 82, 99))
    assert s["trimmed"] == Decimal("81.00") and s["mean"] == Decimal("80.40")


def test_close_scores_do_not_flag_and_none_is_empty():
    assert score_summary(_reviews(80, 85))["disagree"] is False
    assert score_summary([]) == {"count": 0}
