"""Small template helpers shared by every page (``{% load kc %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from kechuang.core.tables import percent, wan

register = template.Library()


@register.simple_tag
def elided_pages(page_obj: Any, on_each_side: int = 2, on_ends: int = 1) -> list[Any]:
    """Page numbers with "…" gaps, e.g. 1 … 4 5 [6] 7 8 … 20."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number,
                                                         on_each_side=on_each_side,
                                                         on_ends=on_ends))


register.filter("wan", wan)
register.filter("percent", percent)


@register.filter
def rule_document(version: Any, short: bool = False) -> str:
    """A rule version ("high_tech/2016-32") as the document it implements, for people.

    ``short`` keeps the first document number only (国科发火〔2016〕32号) for narrow columns.
    A version no longer registered falls back to the rule's name and the stored version.
    """
    from kechuang.policy import registry

    if not version:
        return ""
    rule = str(version).partition("/")[0]
    document = next((r.document for r in registry.versions(rule) if r.version == version), "")
    if not document:
        name = registry.RULE_NAMES.get(rule)
        return f"{name}（{version}）" if name else str(version)
    if short:
        for sep in ("、", "《", "；"):
            document = document.partition(sep)[0]
    return document
