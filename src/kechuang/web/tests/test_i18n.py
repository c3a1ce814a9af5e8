"""The English translation: a complete catalogue, a compiled .mo that matches it, and pages
that speak English only when the language cookie asks for it (Chinese first).
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

PERCENT = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]")
BRACE = re.compile(r"\{\w*(?:\.\w+|\[\w+\])*(?:![rsa])?(?::[^{}]*)?\}")


@pytest.fixture(autouse=True)
def _no_language_leak():
    """LanguageMiddleware activates the request's language for the whole thread; put the
    default back so that tests running after these ones still see Chinese."""
    yield
    translation.deactivate()


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for the files makemessages writes (no obsolete entries)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def start() -> Entry:
        nonlocal entry
        if entry is None or entry.msgstr:  # a comment or keyword after msgstr opens a new entry
            entry = Entry(line=lineno)
            entries.append(entry)
        return entry

    def append(text: str) -> None:
        assert entry is not None and target is not None, f"{path}:{lineno}: stray string"
        name, index = target
        value = ast.literal_eval(text)
        if name == "msgstr":
            entry.msgstr[index or 0] = entry.msgstr.get(index or 0, "") + value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, target = None, None
        elif line.startswith("#~"):
            raise AssertionError(f"{path}:{lineno}: obsolete entry (makemessages --no-obsolete)")
        elif line.startswith("#,"):
            start().flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#"):
            start()
        elif m := re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line):
            name, index, text = m.groups()
            if name in ("msgctxt", "msgid"):
                start()
            target = (name, int(index) if index is not None else None)
            if name == "msgstr":
                entry.msgstr.setdefault(target[1] or 0, "")
            else:
                setattr(entry, name, "")
            append(text)
        elif line.startswith('"'):
            append(line)
        else:
            raise AssertionError(f"{path}:{lineno}: cannot parse {raw!r}")
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(PO)


def translatable(po_entries: list[Entry]) -> list[Entry]:
    return [e for e in po_entries if e.msgid != ""]


def placeholders(text: str, brace: bool) -> Counter[str]:
    found = Counter(PERCENT.findall(text.replace("%%", "")))
    if brace:
        found += Counter(BRACE.findall(text))
    return found


# (a) the catalogue --------------------------------------------------------------------------

def test_catalogue_covers_every_app(po_entries):
    text = PO.read_text(encoding="utf-8")
    for app in ("accounts", "audit", "core", "jobs", "orgs", "plans", "regions", "web"):
        assert re.search(rf"^#: (.* )?{app}/", text, re.M), f"no strings from {app}/ in {PO}"
    assert len(translatable(po_entries)) >= 400


def test_header_declares_english_utf8_and_two_plural_forms(po_entries):
    header = next(e for e in po_entries if e.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    untranslated = [e.msgid for e in translatable(po_entries)
                    if not e.msgstr or any(s == "" for s in e.msgstr.values())]
    fuzzy = [e.msgid for e in translatable(po_entries) if "fuzzy" in e.flags]
    assert not untranslated, f"empty msgstr: {untranslated}"
    assert not fuzzy, f"fuzzy (check, then remove the flag): {fuzzy}"


def test_plural_entries_have_both_english_forms(po_entries):
    for e in translatable(po_entries):
        if e.msgid_plural is not None:
            assert sorted(e.msgstr) == [0, 1], e.msgid
        else:
            assert sorted(e.msgstr) == [0], e.msgid


def test_placeholders_are_kept(po_entries):
    problems = []
    for e in translatable(po_entries):
        brace = "python-brace-format" in e.flags
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        wanted = placeholders(sources[-1], brace) | placeholders(sources[0], brace)
        for text in e.msgstr.values():
            got = placeholders(text, brace)
            missing = {p for p in wanted if p not in got}
            extra = {p for p in got if p not in wanted}
            if missing or extra:
                problems.append((e.msgid, text, sorted(missing), sorted(extra)))
    assert not problems, problems


def test_translations_contain_no_chinese(po_entries):
    """A msgstr copied from the msgid would pass the checks above but show Chinese."""
    han = re.compile(r"[\u4e00-\u9fff]")
    leftovers = [(e.msgid, s) for e in translatable(po_entries) for s in e.msgstr.values()
                 if han.search(s)]
    assert not leftovers, leftovers


# (c) the compiled catalogue matches the .po -------------------------------------------------

def test_mo_is_compiled_from_the_current_po(po_entries):
    """A .po edited without compilemessages leaves the .mo behind: that fails here."""
    assert MO.exists(), "run: cd src/kechuang && ../../manage.py compilemessages -l en"
    with MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for e in translatable(po_entries):
        if e.msgid_plural is not None:
            for i, text in e.msgstr.items():
                expected[(e.key, i)] = text
        else:
            expected[e.key] = e.msgstr[0]
    stale = {k: (v, catalog.get(k)) for k, v in expected.items() if catalog.get(k) != v}
    assert not stale, f"django.mo is out of date (rerun compilemessages): {list(stale.items())[:5]}"
    extra = set(catalog) - set(expected) - {""}
    assert not extra, f"django.mo has entries the .po no longer has: {sorted(map(str, extra))[:5]}"


# (b) pages ----------------------------------------------------------------------------------

def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_in_english_with_the_cookie(client_for, users, enterprise_a):
    html = page(english(client_for(users["city_staff"])), reverse("web:overview"))
    assert '<html lang="en">' in html
    for words in ("Dashboard", "Kechuang Platform", "Enterprises", "Annual reports",
                  "Tech SME", "High-tech enterprise", "Enterprises by county", "Sign out"):
        assert words in html, words
    for chinese in ("工作台", "企业库", "退出登录", "科技型中小企业"):
        assert chinese not in html, chinese


def test_enterprise_list_in_english_with_the_cookie(client_for, users, enterprise_a):
    html = page(english(client_for(users["city_staff"])), reverse("orgs:enterprise_list"))
    assert '<html lang="en">' in html
    for words in ("Enterprises within your scope", "Export to Excel", "Add enterprise",
                  "Enterprise name", "All counties", "Cultivation tier", "Filter", "Reset"):
        assert words in html, words
    assert enterprise_a.name in html  # data stays as entered
    for chinese in ("企业名称", "导出Excel", "筛选", "重置"):
        assert chinese not in html, chinese


def test_login_page_in_english_with_the_cookie(client):
    html = page(english(client), reverse("accounts:login"))
    assert '<html lang="en">' in html
    for words in ("Sign in", "Username", "Password", "Changzhi Science and Technology Bureau"):
        assert words in html, words
    for chinese in ("登录", "用户名", "密码"):
        assert chinese not in html, chinese


@pytest.mark.parametrize("url_name", ["web:overview", "kpi:dashboard", "orgs:enterprise_list",
                                      "accounts:login"])
def test_pages_stay_chinese_for_an_english_browser_without_the_cookie(client_for, users,
                                                                       enterprise_a, url_name):
    client = client_for(users["city_staff"])
    if url_name == "accounts:login":
        client.logout()
    response = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert response["Content-Language"] == "zh-hans"
    assert "科创平台" in html and "Kechuang Platform" not in html
    assert "Sign in" not in html and "Sign out" not in html


def test_language_switch_sets_the_cookie_and_pages_follow(client_for, users):
    client = client_for(users["city_staff"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = page(client, reverse("web:overview"))
    assert '<html lang="en">' in html and "Dashboard" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "工作台" in page(client, reverse("web:overview"))


def test_password_validation_messages_are_translated_both_ways(client_for, users):
    """The min-length message comes from our catalogue in both languages."""
    url = reverse("accounts:password_change")
    data = {"old_password": "Kc-test-Pass-2025", "new_password1": "short",
            "new_password2": "short"}
    client = client_for(users["city_staff"])
    zh = client.post(url, data).content.decode()
    assert "至少需要 10 个字符" in zh and "at least 10 characters" not in zh
    en = english(client).post(url, data).content.decode()
    assert "at least 10 characters" in en
    assert "密码" not in en
