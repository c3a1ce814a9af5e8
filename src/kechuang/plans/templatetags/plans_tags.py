"""``{% load plans_tags %}``: numbers as a clerk writes them (94, 12.5 — never 1E+2)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from kechuang.plans.services import fmt

register = template.Library()


@register.filter
def num(value) -> str:
    if value is None or value == "":
        return ""
    try:
        return fmt(Decimal(str(value)))
    except InvalidOperation:
        return str(value)
