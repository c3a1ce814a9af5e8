"""One manifest per app (core/manifests.py): the shell builds URLs, API routes, panels, demo
steps and start-up registrations from the installed apps' manifests alone."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.apps import apps
from django.urls import reverse

from kechuang.core import manifests
from kechuang.core.manifests import Manifest, Panel

SRC = Path(__file__).resolve().parents[2]


def test_every_kechuang_app_with_pages_or_an_api_has_a_manifest_that_mounts_them():
    by_app = {m.app: m for m in manifests.installed()}
    for config in apps.get_app_configs():
        if not config.name.startswith("kechuang."):
            continue
        app = config.name.removeprefix("kechuang.")
        if (SRC / app / "urls.py").exists():
            assert by_app[app].url_prefix is not None, f"{app}: pages but no url_prefix"
        if (SRC / app / "api.py").exists() and hasattr(
                importlib.import_module(f"kechuang.{app}.api"), "register"):
            assert by_app[app].api == f"kechuang.{app}.api", f"{app}: API not mounted"
        assert isinstance(config, manifests.ManifestAppConfig), f"{app}: plain AppConfig"


def test_manifests_come_in_installed_apps_order_and_name_their_own_package():
    names = [c.name.removeprefix("kechuang.") for c in apps.get_app_configs()
             if c.name.startswith("kechuang.")]
    order = [m.app for m in manifests.installed()]
    assert order == [n for n in names if n in order]
    for m in manifests.installed():
        for module in m.modules():
            assert module.startswith(f"kechuang.{m.app}."), (m.app, module)


def test_what_manifests_name_is_registered_at_start_up():
    from kechuang import metrics
    from kechuang.imports import spec
    from kechuang.jobs import registry

    for kind in ("orgs.enterprise_export", "cultivation.record_export", "kpi.records_export",
                 "imports.commit", "audit.change_export"):
        registry.get_handler(kind)  # LookupError when the manifest's module was not loaded
    assert metrics.get("tech_sme_registered") is not None
    assert spec.get_spec("orgs.annual_report") is not None


def test_urls_are_mounted_under_the_manifest_prefixes():
    assert reverse("orgs:enterprise_list") == "/enterprises/"
    assert reverse("cultivation:registration_list").startswith("/cultivation/")
    assert reverse("api-enterprise-list") == "/api/v1/enterprises/"


def test_demo_steps_run_base_data_first_then_by_order():
    steps = sorted((s for m in manifests.installed() for s in m.demo), key=lambda s: s.order)
    assert [s.run.__module__ for s in steps] == [
        "kechuang.orgs.demo", "kechuang.reported.demo", "kechuang.cultivation.demo",
        "kechuang.projects.demo", "kechuang.plans.demo"]


def test_panels_keep_order_and_a_panel_may_hide_itself(monkeypatch):
    fake = (Manifest(app="x", panels=(
        Panel("enterprise_sections", "b.html", lambda u, o: {"n": 2}, order=20),
        Panel("enterprise_sections", "hidden.html", lambda u, o: None, order=5),
        Panel("enterprise_actions", "c.html", lambda u, o: {}, order=1),
        Panel("enterprise_sections", "a.html", lambda u, o: {"n": o}, order=10))),)
    monkeypatch.setattr(manifests, "installed", lambda: fake)
    assert manifests.panels("enterprise_sections", None, 1) == [("a.html", {"n": 1}),
                                                                ("b.html", {"n": 2})]


def test_the_enterprise_page_shows_other_apps_panels(client_for, users, enterprise_a):
    html = client_for(users["city_staff"]).get(
        reverse("orgs:enterprise_detail", kwargs={"pk": enterprise_a.pk})).content.decode()
    assert 'data-testid="self-assessment-button"' in html  # assessment's action panel
    assert reverse("assessment:enterprise_assessment", kwargs={"pk": enterprise_a.pk}) in html
    assert 'data-testid="cultivation-section"' in html  # cultivation's section


def test_a_new_apps_menu_entry_shows_to_the_users_can_allows(monkeypatch, users):
    """A module adds its menu entry in its manifest alone: the shell's navigation groups it
    under its action and shows it to exactly the roles ``can()`` gives the action."""
    from kechuang.core.manifests import MenuEntry
    from kechuang.web import navigation

    fake = Manifest(app="contracts", menu=(
        MenuEntry("action6", "技术合同登记", "web:home", "file-earmark-text",
                  model="orgs.Enterprise", action="add"),))
    real = manifests.installed()
    monkeypatch.setattr(manifests, "installed", lambda: (*real, fake))
    navigation.menu.cache_clear()
    try:
        def shown(user):
            return {str(g.label): [str(i.label) for i in g.items]
                    for g in navigation.menu_for(user, "/")}
        assert shown(users["county_a_staff"])["科技服务业培育壮大（行动六）"] == ["技术合同登记"]
        assert "科技服务业培育壮大（行动六）" not in shown(users["enterprise_a_user"])
        assert "科技服务业培育壮大（行动六）" not in shown(users["auditor"])
    finally:
        navigation.menu.cache_clear()
