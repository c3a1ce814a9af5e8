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
    """A rule version as the document it implements (``policy.registry.document_label``)."""
    from kechuang.policy import registry

    return registry.document_label(version, short)
