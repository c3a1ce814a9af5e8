"""``{% import_button "orgs.annual_report" %}``: an "导入" button for list pages, shown only
to users who may import that kind (the spec decides, not the template)."""

from __future__ import annotations

from typing import Any

from django import template

from kechuang.imports.spec import get_spec, may_import

register = template.Library()


@register.inclusion_tag("imports/_import_button.html", takes_context=True)
def import_button(context: Any, kind: str) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    try:
        spec = get_spec(kind)
    except LookupError:
        return {"show": False}
    return {"show": may_import(user, spec), "kind": kind}
