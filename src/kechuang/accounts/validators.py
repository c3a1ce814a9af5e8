"""Password complexity (MLPS level 3: at least three character classes)."""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")

    def validate(self, password: str, user: object | None = None) -> None:
        kinds = sum(1 for pattern in self.classes if re.search(pattern, password))
        if kinds < 3:
            raise ValidationError(
                _("密码须至少包含大写字母、小写字母、数字、符号中的三类"),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须至少包含大写字母、小写字母、数字、符号中的三类")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message in our own catalogue (its zh-hans text lags 5.2.x)."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符") % {"min_length": self.min_length}
