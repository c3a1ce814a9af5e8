"""Domain errors carry a message a clerk can read (Chinese by default)."""

from __future__ import annotations

from django.utils.translation import gettext


class DomainError(Exception):
    """A business rule refused the operation; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ScopeError(DomainError):
    """The actor may not touch this object (outside their county or organisation)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or gettext("无权操作该记录"), code="permission_denied")


class ConflictError(DomainError):
    """Someone else saved the row since the actor loaded it (optimistic locking); nothing saved.

    The API answers 409; a form shows the message and keeps the user's input.
    """

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or gettext("该记录已被他人修改，请刷新后重试"), code="conflict")
