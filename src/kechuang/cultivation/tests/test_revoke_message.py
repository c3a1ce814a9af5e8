"""After 撤销 / 取消资格 the clerk is told what happened, not just "已办理"."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _messages(resp) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request)]


def test_revoking_a_registration_says_so(client_for, users, records):
    reg = records["reg_a"]
    resp = client_for(users["county_a_staff"]).post(
        reverse("cultivation:registration_revoke", args=[reg.pk]),
        {"reason": "严重失信", "revoked_on": "2025-08-01"})
    assert _messages(resp) == [
        f"已撤销{reg.enterprise}的入库登记 2025140403A0000001（2025）（撤销日期 2025-08-01），"
        "状态改为“已撤销”，企业的培育层级已随之更新。"]


def test_cancelling_a_certificate_says_so(client_for, users, records):
    cert = records["cert_a"]
    day = cert.issued_on.replace(year=cert.issued_on.year + 1)
    resp = client_for(users["county_a_staff"]).post(
        reverse("cultivation:certificate_revoke", args=[cert.pk]),
        {"reason": "弄虚作假", "revoked_on": day.isoformat()}, follow=True)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "已取消" in html and "GR202514000101" in html and "已办理" not in html
    assert (f"已取消{cert.enterprise}的高新技术企业资格（证书 GR202514000101，取消日期 {day}），"
            "状态改为“已取消”" in html)
