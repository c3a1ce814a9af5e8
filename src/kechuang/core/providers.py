"""Named hooks between apps that may not import each other.

A :class:`Provider` is declared in a layer both apps can import (usually the base domain);
the app that owns the data supplies the function in its ``AppConfig.ready()``, the other calls
it. ``available`` says whether an installed app supplied it, so a reader degrades gracefully
(a fallback figure) rather than importing a sibling app behind ``try/except ImportError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Provider(Generic[F]):
    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._fn: F | None = None

    def provide(self, fn: F) -> F:
        """Supply the function (a second supplier replaces the first, as in tests)."""
        self._fn = fn
        return fn

    @property
    def available(self) -> bool:
        return self._fn is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._fn is None:
            raise LookupError(f"no app provides {self.name}")
        return self._fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Provider {self.name}{'' if self.available else ' (none)'}>"
