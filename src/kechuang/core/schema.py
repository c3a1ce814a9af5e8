"""The OpenAPI generator, tightened where drf-spectacular's schema says less than the server.

Found by schemathesis against the live server (core/tests/test_api_live.py):

* a decimal string's pattern allowed ``""`` and a sign on fields whose minimum is 0 — the
  server refuses both; the pattern now requires a digit and omits ``-`` when negatives are
  refused; in requests a JSON number is declared too (docs/api.md: money may be sent as a
  number; the parser reads it as an exact Decimal);
* a serializer that refuses unknown keys (``additional_properties = False`` on the class)
  says so with ``additionalProperties: false``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


def decimal_pattern(field: serializers.DecimalField) -> str:
    """What DRF's DecimalField accepts as a string: digits, optional point and places."""
    whole = field.max_whole_digits
    places = field.decimal_places
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    whole_part = rf"\d{{1,{whole}}}" if whole else "0"
    return rf"^{sign}(?:{whole_part}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field: Any, direction: str,
                              bypass_extensions: bool = False) -> dict:
        content = super()._map_serializer_field(field, direction, bypass_extensions)
        if (isinstance(field, serializers.DecimalField) and content.get("format") == "decimal"
                and "pattern" in content and field.max_whole_digits is not None):
            content["pattern"] = decimal_pattern(field)
            if direction == "request":  # a JSON number is accepted too (parsed exactly)
                number: dict[str, Any] = {"type": "number"}
                if field.min_value is not None:
                    low = field.min_value
                    number["minimum"] = int(low) if low == int(low) else float(low)
                meta = {k: content.pop(k) for k in ("title", "description", "readOnly",
                                                    "writeOnly", "nullable") if k in content}
                content = {"anyOf": [content, number], **meta}
        return content

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict:
        content = super()._map_basic_serializer(serializer, direction)
        if getattr(serializer, "additional_properties", True) is False:
            content["additionalProperties"] = False
        return content
