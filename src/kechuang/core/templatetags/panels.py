"""``{% render_panel template values %}``: a block another app contributes to this page
(core.manifests.Panel), rendered with the page's context plus its own values."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context: template.Context, template_name: str,
                 values: dict[str, Any]) -> SafeString:
    panel = context.template.engine.get_template(template_name)
    with context.push(**values):
        return panel.render(context)
