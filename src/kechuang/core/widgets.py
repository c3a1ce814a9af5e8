"""A form renderer that writes the common widgets in Python.

Django renders every widget, and every ``<option>`` of a select, through its template engine:
the enterprise filter bar (a 110-option industry select, counties, chains …) cost a third of
the list page. This renderer writes text-like inputs, hidden inputs and selects with the same
markup as Django's own widget templates (``django/forms/widgets/input.html``, ``select.html``,
``select_option.html``, ``attrs.html``) and hands every other widget to the template engine.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.forms import Select
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{n}.html" for n in (
    "input", "text", "search", "hidden", "number", "date", "email", "url", "tel"))
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: ` name="value"`, bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {name}")
        else:
            out.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(w: dict[str, Any]) -> str:
    value = w["value"]
    val = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return f'<input type="{conditional_escape(w["type"])}" name="{conditional_escape(w["name"])}"' \
           f'{val}{_attrs(w["attrs"])}>'


def _option(o: dict[str, Any]) -> str:
    return (f'<option value="{conditional_escape(str(o["value"]))}"{_attrs(o["attrs"])}>'
            f'{conditional_escape(o["label"])}</option>\n')  # the template's final newline


def _select(w: dict[str, Any]) -> str:
    out = [f'<select name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class FastWidgetRenderer(DjangoTemplates):
    """Same HTML as the default renderer; inputs and selects without the template engine."""

    def render(self, template_name: str, context: dict[str, Any],
               request: Any = None) -> SafeString:
        widget = context.get("widget")
        if widget is not None:
            if template_name in INPUT_TEMPLATES:
                return mark_safe(_input(widget))  # noqa: S308 (every part escaped above)
            if template_name == SELECT_TEMPLATE and all(
                    o["template_name"] == OPTION_TEMPLATE
                    for _n, group, _i in widget["optgroups"] for o in group):
                return mark_safe(_select(widget))  # noqa: S308 (every part escaped above)
        return super().render(template_name, context, request)


class StaticChoicesSelect(Select):
    """A select whose choices are fixed for the life of the process (per language), such as
    the 110 industries: its HTML is kept per (language, name, value, attributes), so a list
    page does not build and write the same options on every request."""

    _cache: ClassVar[dict[tuple[Any, ...], SafeString]] = {}
    MAX_ENTRIES = 1024

    def __init__(self, *args: Any, choices_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices_key = choices_key

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        key = (self.choices_key, get_language(), name, repr(self.format_value(value)),
               tuple(sorted((k, str(v)) for k, v in final.items())))
        html = self._cache.get(key)
        if html is None:
            if len(self._cache) >= self.MAX_ENTRIES:
                self._cache.clear()
            html = self._cache[key] = super().render(name, value, attrs, renderer)
        return html
