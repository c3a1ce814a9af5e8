"""The daily check: expiry reminders to the right people, once a month; tiers follow dates."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kechuang.cultivation import services
from kechuang.cultivation.tests.conftest import make_certificate
from kechuang.notices.models import Notice

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def certs(enterprise_a, enterprise_b):
    return {
        "soon_a": make_certificate(enterprise_a, dt.date(2023, 12, 8),
                                   certificate_no="GR202314000001"),  # last day 2026-12-07
        "edge_b": make_certificate(enterprise_b, dt.date(2024, 5, 30),
                                   certificate_no="GR202414000002"),  # last day 2027-05-29
        "later_b": make_certificate(enterprise_b, dt.date(2024, 5, 31),
                                    certificate_no="GR202414000003"),  # 2027-05-30: too far
        "gone_a": make_certificate(enterprise_a, dt.date(2023, 11, 6),
                                   certificate_no="GR202314000004"),  # expired 2026-11-05
    }


def test_reminders_reach_county_staff_and_the_enterprise_once_a_month(users, certs):
    sent = services.send_expiry_reminders(today=TODAY)
    got = {(n.recipient.username, n.url) for n in Notice.objects.select_related("recipient")}
    a_url, b_url = certs["soon_a"].get_absolute_url(), certs["edge_b"].get_absolute_url()
    assert got == {("county_a_staff", a_url), ("enterprise_a_user", a_url),
                   ("county_b_staff", b_url), ("enterprise_b_user", b_url)}
    assert sent == 4
    n = Notice.objects.get(recipient=users["county_a_staff"])
    assert "2026-12-07" in n.title and "还有 8 天" in n.body and n.level == "warning"
    # idempotent the same day and the same month
    assert services.send_expiry_reminders(today=TODAY) == 0
    # the next day the window reaches 2027-05-30: only the certificate entering it is new
    assert services.send_expiry_reminders(today=dt.date(2026, 11, 30)) == 2
    assert services.send_expiry_reminders(today=dt.date(2026, 11, 30)) == 0
    # a new month reminds again while the certificates have not expired
    assert services.send_expiry_reminders(today=dt.date(2026, 12, 1)) == 6
    assert Notice.objects.count() == 12


def test_inactive_users_and_revoked_certificates_are_skipped(users, certs):
    users["county_b_staff"].is_active = False
    users["county_b_staff"].save()
    certs["soon_a"].status = "revoked"
    certs["soon_a"].save()
    services.send_expiry_reminders(today=TODAY)
    assert set(Notice.objects.values_list("recipient__username", flat=True)) == {
        "enterprise_b_user"}


def test_command_runs_the_daily_check(users, certs, enterprise_a):
    out = StringIO()
    call_command("cultivation_reminders", "--due", "--today", "2026-11-29", stdout=out)
    assert "发送证书到期提醒 4 条" in out.getvalue()
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == "high_tech"
    out = StringIO()
    call_command("cultivation_reminders", "--due", "--today", "2026-11-29", stdout=out)
    assert "更新培育梯队 0 家，发送证书到期提醒 0 条" in out.getvalue()
    call_command("cultivation_reminders", "--due", "--today", "2026-12-08", stdout=StringIO())
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == ""  # its certificate ran out on 7 December
    with pytest.raises(CommandError):
        call_command("cultivation_reminders")
    with pytest.raises(CommandError, match="--today"):
        call_command("cultivation_reminders", "--due", "--today", "x")
