"""The API's JSON parser: nesting capped before decoding, every decoder failure a 400.

Its own module: DRF's settings import it (DEFAULT_PARSER_CLASSES), and ``rest_framework.parsers``
reads those settings at import time, so it cannot live in core/api.py.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import loads as json_loads

MAX_JSON_DEPTH = 32
# a JSON string (skipped: brackets inside it do not nest) or one bracket
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the text nests arrays/objects deeper than ``limit``; one regex pass, no parse.

    Checked before ``json.loads`` so a few KB of ``[[[[…`` is refused cheaply instead of
    ending in a RecursionError (a 500) inside the decoder.
    """
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with a nesting cap and every decoder failure as a 400 in Chinese."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding") or "utf-8"
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except (LookupError, UnicodeError) as exc:
            raise exceptions.ParseError(_("请求体不是有效的 UTF-8 文本")) from exc
        if json_depth_exceeds(text):
            raise exceptions.ParseError(
                _("请求体 JSON 嵌套过深（最多 %(n)s 层）") % {"n": MAX_JSON_DEPTH})
        try:
            # numbers with a fraction become Decimal, never float: money stays exact
            return json_loads(text, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(_("请求体不是有效的 JSON：%(error)s") % {
                "error": exc}) from exc
