"""One manifest per app: what the app adds to the site, declared in one place.

Each app may have a ``manifest.py`` with ``MANIFEST = Manifest(...)``: its URL prefix and API
routes, its menu entries (shown when ``can(user, action, model)`` holds — or a named access
helper says so), its panels on other apps' pages (the enterprise detail page), its demo-data
step, and the modules that register its metrics, import specs, job kinds and scheduled checks.
The site shell loops over the installed apps' manifests (``installed()``); nothing central
names an app. docs/modules.md shows a manifest end to end.

This module knows no app: it finds manifests through Django's app registry, in the order of
``INSTALLED_APPS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import AppConfig, apps


@dataclass(frozen=True)
class MenuEntry:
    """A left-navigation link. ``group``: a group key of the shell's navigation (``workbench``,
    ``action4``, …, ``system``); ``model`` ("app_label.Model") and ``action``: shown to the users
    ``can()`` allows; ``visible``: a named access helper instead, for pages not about one model.
    """

    group: str
    label: Any
    url_name: str
    icon: str = ""
    model: str = ""
    action: str = "view"
    visible: Callable[[Any], bool] | None = None
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A block an app contributes to another app's page (``slot``: ``enterprise_actions`` —
    buttons on the enterprise page's title bar —, or ``enterprise_sections`` — cards below
    the profile). ``context(user, obj)`` returns the template's context, or None to hide it."""

    slot: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class DemoStep:
    """Part of ``manage.py demo``: ``run(seed=…, enterprises=…, batch_size=…, progress=…)``
    returns a line for the console ("" when it added nothing). Steps run by ``order``."""

    run: Callable[..., str]
    order: int = 100


@dataclass(frozen=True)
class Manifest:
    app: str  # the app's package below kechuang, e.g. "cultivation"
    url_prefix: str | None = None  # "cultivation/": its pages under /cultivation/; None: none
    api: str = ""  # module with register(router) for /api/v1/, e.g. "kechuang.orgs.api"
    menu: tuple[MenuEntry, ...] = ()
    panels: tuple[Panel, ...] = ()
    demo: tuple[DemoStep, ...] = ()
    # modules imported at start-up for what they register
    metrics: tuple[str, ...] = ()  # kechuang.metrics.register(...)
    import_specs: tuple[str, ...] = ()  # imports.spec.register(...)
    jobs: tuple[str, ...] = ()  # jobs.registry.job_handler / job_recovery
    scheduled: tuple[str, ...] = ()  # core.scheduler.daily / every_minute
    workflows: tuple[str, ...] = ()  # workflow.services.register_review_source
    signals: tuple[str, ...] = ()  # signal receivers

    @property
    def urls(self) -> str:
        return f"kechuang.{self.app}.urls"

    def modules(self) -> tuple[str, ...]:
        return (self.metrics + self.import_specs + self.jobs + self.scheduled + self.workflows
                + self.signals)


def manifest_of(config: AppConfig) -> Manifest | None:
    try:
        module = importlib.import_module(f"{config.name}.manifest")
    except ModuleNotFoundError as exc:
        if exc.name != f"{config.name}.manifest":
            raise  # the manifest exists but imports something missing
        return None
    return getattr(module, "MANIFEST", None)


@cache
def installed() -> tuple[Manifest, ...]:
    """The manifests of the installed kechuang apps, in INSTALLED_APPS order."""
    return tuple(m for c in apps.get_app_configs() if c.name.startswith("kechuang.")
                 if (m := manifest_of(c)) is not None)


def load_modules(manifest: Manifest) -> None:
    """Import what the manifest registers (called from the app's ``ready()``)."""
    for name in manifest.modules():
        importlib.import_module(name)


def panels(slot: str, user: Any, obj: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every installed app's panel for ``slot`` that shows for ``user``."""
    found = sorted((p for m in installed() for p in m.panels if p.slot == slot),
                   key=lambda p: p.order)
    out = []
    for p in found:
        context = p.context(user, obj)
        if context is not None:
            out.append((p.template, context))
    return out


def menu_entries() -> Iterator[MenuEntry]:
    for m in installed():
        yield from m.menu


class ManifestAppConfig(AppConfig):
    """An AppConfig whose ``ready()`` loads the modules its manifest names. Subclass it as
    ``manifests.ManifestAppConfig`` (not imported by name: Django picks the only AppConfig
    class in apps.py)."""

    def ready(self) -> None:
        manifest = manifest_of(self)
        if manifest is not None:
            load_modules(manifest)
