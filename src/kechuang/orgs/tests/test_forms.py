"""Enterprise form checks (founding date, phone) and the default year of a new report."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_report
from kechuang.orgs.forms import default_report_year, is_valid_phone, normalize_phone
from kechuang.orgs.models import Enterprise
from kechuang.orgs.tests.test_views import enterprise_post

GOOD_PHONES = [
    "13912345678", "139 1234 5678", "139-1234-5678", "+86 13912345678", "+8613912345678",
    "＋86 139 1234 5678", "0355-1234567", "03551234567", "0355 1234567", "(0355)1234567",
    "（0355）12345678", "010-12345678", "021-87654321", "0355－1234567",
    "0355-1234567-801", "0355-1234567转801", "0355-1234567 ext 801", "0355-1234567#8",
    "+86-355-1234567", "400-123-4567", "4001234567",
]
BAD_PHONES = [
    "abc", "123", "12345678901", "1391234567", "139123456789", "0355-12",
    "0355-123456789", "1234567", "0355-abcdefg", "13912345678a", "0000-1234567",
    "tel:13912345678", "0355-0234567", "13912345678 / 0355-1234567", "无",
]


@pytest.mark.parametrize("phone", GOOD_PHONES)
def test_real_phone_formats_are_accepted(phone):
    assert is_valid_phone(phone)


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_garbage_phones_are_refused(phone):
    assert not is_valid_phone(phone)


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
def test_every_mainland_mobile_is_accepted(second, rest):
    assert is_valid_phone(f"1{second}{rest}")


@given(st.text(st.characters(categories=["L"]), min_size=1, max_size=5))
def test_letters_make_a_phone_invalid(letters):
    assert not is_valid_phone("13912345678" + letters)


def test_normalize_phone_turns_full_width_into_ascii():
    assert normalize_phone("  （０３５５）１２３４５６７ ") == "(0355)1234567"


pytestmark_db = pytest.mark.django_db
NEW = "长治新创科技有限公司"  # the name enterprise_post() gives


def _error(html: str, field: str) -> str:
    found = re.findall(rf'data-testid="error-{field}">([^<]*)<', html)
    return found[0] if found else ""


@pytestmark_db
def test_enterprise_form_refuses_an_invalid_phone(client_for, users, county_a):
    client = client_for(users["county_a_staff"])
    resp = client.post(reverse("orgs:enterprise_add"),
                       enterprise_post(county_a, contact_phone="1234-abc"))
    assert resp.status_code == 200
    assert "联系电话格式不正确" in _error(resp.content.decode(), "contact_phone")
    assert not Enterprise.objects.filter(name=NEW).exists()
    resp = client.post(reverse("orgs:enterprise_add"),
                       enterprise_post(county_a, contact_phone=" ０３５５－１２３４５６７ "))
    assert resp.status_code == 302
    assert Enterprise.objects.get(name=NEW).contact_phone == "0355-1234567"  # normalised


@pytestmark_db
def test_enterprise_form_refuses_a_founding_date_in_the_future(client_for, users, county_a):
    client = client_for(users["county_a_staff"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    resp = client.post(reverse("orgs:enterprise_add"),
                       enterprise_post(county_a, established_on=tomorrow.isoformat()))
    assert resp.status_code == 200
    assert "成立日期不能晚于今天" in _error(resp.content.decode(), "established_on")
    assert not Enterprise.objects.filter(name=NEW).exists()
    resp = client.post(reverse("orgs:enterprise_add"),
                       enterprise_post(county_a, established_on=timezone.localdate().isoformat()))
    assert resp.status_code == 302  # today is fine


@pytest.mark.parametrize(("existing", "expected"), [
    ((), 2025),                          # nothing filed: the year just ended
    ((2023, 2024), 2025),
    ((2023, 2024, 2025), 2026),          # the year just ended is filed: this year
    ((2022, 2024, 2025, 2026), 2023),    # both filed: the nearest gap before them
    ((2024, 2025, 2026), 2023),
])
def test_default_report_year_is_the_first_not_filed(existing, expected):
    assert default_report_year(existing, today=dt.date(2026, 12, 4)) == expected


@given(st.sets(st.integers(2000, 2026), max_size=27))
def test_default_report_year_is_never_a_filed_year(existing):
    year = default_report_year(existing, today=dt.date(2026, 12, 4))
    assert year not in existing or len(existing) == 27


@pytestmark_db
def test_new_report_form_defaults_to_the_first_year_not_filed(client_for, users, enterprise_a):
    last = timezone.localdate().year - 1
    make_report(enterprise_a, last)
    make_report(enterprise_a, last - 1)
    html = client_for(users["county_a_staff"]).get(
        reverse("orgs:report_add", args=[enterprise_a.pk])).content.decode()
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)
    assert f'value="{last + 1}"' in year_input


@pytestmark_db
def test_editing_a_report_keeps_its_year_and_version(client_for, users, enterprise_a):
    report = make_report(enterprise_a, 2019)
    html = client_for(users["county_a_staff"]).get(
        reverse("orgs:report_edit", args=[report.pk])).content.decode()
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)
    assert 'value="2019"' in year_input
    assert re.search(r'<input[^>]*name="version"[^>]*>', html)  # optimistic locking stays
