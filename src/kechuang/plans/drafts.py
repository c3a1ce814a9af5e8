"""A plan's text → a draft the bureau reviews before it becomes a Plan (issue #4, item 8).

``planextract`` finds the actions and their quantitative targets; this module maps them onto
the fields of Action and Indicator. The draft is plain JSON-able data, so it can travel in a
signed form field between the review step and saving.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext

from kechuang.planextract import Target, extract_plan
from kechuang.plans.models import Indicator

_YEAR = re.compile(r"(20\d\d)\s*年")


def decode_upload(data: bytes) -> str:
    """A .txt upload: UTF-8 (with or without BOM), else GB18030 as Word and WPS save it.

    The only user file this app parses: the form caps it at 2 MB and it is never unpacked.
    A binary file renamed .txt (a .docx, .doc, .pdf: NUL bytes) could still decode as
    GB18030 into nonsense, so it raises UnicodeDecodeError like any undecodable file.
    """
    if b"\x00" in data[:64 * 1024]:
        raise UnicodeDecodeError("utf-8", data[:1], 0, 1, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _indicator(target: Target, number: int, index: int) -> dict[str, Any]:
    notes = [target.note] if target.note else []
    if target.growth:
        notes.append(gettext("增长率目标"))
    return {
        "key": f"a{number}_t{index}",
        "name": target.text[:200],
        "unit": target.unit[:20],
        "target": None if target.value is None else str(target.value),
        "comparison": target.comparison,
        # a target without a number (全覆盖) still says which way to go
        "direction": Indicator.Direction.INCREASE if target.value is None else "",
        "scope": Indicator.Scope.CITY,
        "source": Indicator.Source.REPORTED,
        "metric": "",
        "note": "；".join(notes)[:300],
    }


def draft_from_text(text: str, *, region_name: str) -> dict[str, Any]:
    """The draft of a plan: title, year (the first year the text names), aim, actions with
    their indicators; targets stated before the first action are listed apart."""
    extracted = extract_plan(text)
    found = _YEAR.search(extracted.text)
    year = int(found.group(1)) if found else None
    title = gettext("%(region)s%(year)s年科技工作要点") % {
        "region": region_name, "year": year or ""}
    return {
        "title": title,
        "year": year,
        "aim": "",
        "actions": [
            {"number": a.number, "name": a.name[:200],
             "indicators": [_indicator(t, a.number, i) for i, t in enumerate(a.targets, 1)]}
            for a in extracted.actions
        ],
        "preamble": [t.text for t in extracted.preamble_targets],
    }
