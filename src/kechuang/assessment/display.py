"""Turn engine results (their ``to_dict()``) into what the page shows: verdict, figures, marks.

The engine explains itself (conditions, scores, gaps all carry Chinese messages); this adds
the one-line verdict per rule, the "应用差距建议" button values, and the marks that highlight
what a what-if changed compared with the stored figures.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kechuang.assessment.engine import NOT_REQUIRED, Assessment
from kechuang.assessment.forms import gap_button_value
from kechuang.assessment.inputs import person_message


def yuan(value: Any) -> str:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"¥{d:,.2f}"


def _num(value: Any) -> str:
    """"54" / "37.5": Decimal strings without trailing zeros."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format(d.normalize(), "f")


def _points(score: dict[str, Any]) -> str:
    top = _num(score["max_points"])
    if score.get("points") is not None:
        return f"{_num(score['points'])} / {top}"
    return f"{_num(score['points_min'])}–{_num(score['points_max'])} / {top}"


def headline(rule: str, outcome: dict[str, Any]) -> dict[str, Any]:
    r = outcome.get("result")
    if r is None:
        return {"ok": False, "verdict": _("无法测评"), "figure": outcome.get("error") or ""}
    if rule == "tech_sme":
        verdict = _("不符合")
        if r["eligible"]:
            verdict = _("符合（直通车）") if r["path"] == "direct" else _("符合")
        return {"ok": bool(r["eligible"]), "verdict": verdict,
                "figure": _("综合得分 %(total)s 分（须不低于 %(pass)s 分）") % {
                    "total": r["total"], "pass": r["pass_total"]}}
    if rule == "high_tech":
        lo, hi = _num(r["score_min"]), _num(r["score_max"])
        score = lo if lo == hi else f"{lo}–{hi}"
        ok = {"likely": True, "possible": None}.get(r["status"], False)
        return {"ok": ok, "verdict": r["status_label"],
                "figure": _("创新能力评价 %(score)s 分（须高于 %(pass)s 分）") % {
                    "score": score, "pass": _num(r["pass_score"])}}
    verdict = _("可享受加计扣除") if r["eligible"] else _("不能享受加计扣除")
    return {"ok": bool(r["eligible"]), "verdict": verdict,
            "figure": _("加计扣除额 %(amount)s，按税率 %(rate)s%% 约少缴企业所得税 %(saved)s") % {
                "amount": yuan(r["extra_deduction_yuan"]),
                "rate": f"{Decimal(r['tax_rate']) * 100:.0f}", "saved": yuan(r["tax_saved_yuan"])}}


def present(rule: str, outcome: dict[str, Any]) -> dict[str, Any]:
    """The outcome dict with ``head`` and, per score, ``points_text``; per gap ``apply``."""
    out = dict(outcome)
    if outcome.get("error"):
        out["error"] = person_message(outcome.get("error_field"), outcome["error"])
    out["head"] = headline(rule, out)
    r = outcome.get("result")
    if r is not None:
        for c in r.get("conditions", []):
            # 直通车 is an alternative route: not taking it is no failure
            c["optional"] = c["code"] in NOT_REQUIRED and c["passed"] is False
        for s in r.get("scores", []):
            s["points_text"] = _points(s)
            for p in s.get("parts", []):
                p["points_text"] = _points(p) if "max_points" in p else ""
        for g in r.get("gaps", []):
            g["apply"] = gap_button_value(g.get("changes") or {}) if g.get("fixable") else ""
        for c in r.get("combinations", []):
            c["apply"] = gap_button_value(c.get("changes") or {})
        for line in r.get("lines", []):
            line["amount_text"] = yuan(line["amount"])
    return out


def mark_changes(stored: dict[str, Any], whatif: dict[str, Any]) -> None:
    """Flag in ``whatif`` the verdict, conditions and scores that differ from ``stored``."""
    whatif["head"]["changed"] = (whatif["head"]["verdict"] != stored["head"]["verdict"]
                                 or whatif["head"]["figure"] != stored["head"]["figure"])
    a, b = stored.get("result") or {}, whatif.get("result") or {}
    before = {c["code"]: c for c in a.get("conditions", [])}
    for c in b.get("conditions", []):
        old = before.get(c["code"])
        c["changed"] = old is None or old["passed"] != c["passed"] or old["value"] != c["value"]
    scores = {s["code"]: s for s in a.get("scores", [])}
    for s in b.get("scores", []):
        old = scores.get(s["code"])
        s["changed"] = old is None or old.get("points_text") != s.get("points_text")
    lines = {x["code"]: x for x in a.get("lines", [])}
    for x in b.get("lines", []):
        old = lines.get(x["code"])
        x["changed"] = old is None or old["amount"] != x["amount"]


def panels(stored: Assessment, whatif: Assessment | None) -> list[dict[str, Any]]:
    """One panel per rule: the stored outcome and, after a what-if, the changed one."""
    out = []
    for rule, outcome in stored.outcomes.items():
        s = present(rule, outcome.to_dict())
        w = None
        if whatif is not None:
            w = present(rule, whatif.outcomes[rule].to_dict())
            mark_changes(s, w)
        out.append({"rule": rule, "label": outcome.label, "stored": s, "whatif": w})
    return out
