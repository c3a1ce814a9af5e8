"""The admin names third-party apps and models in Chinese (no "AXES / Access attempts")."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_security_admin_sees_chinese_app_and_model_names(users, client_for):
    client = client_for(users["security_admin"])
    html = client.get("/admin/").content.decode()
    assert "登录防护" in html and "登录尝试" in html and "登录失败记录" in html
    assert "动态口令（TOTP）设备" in html and "备用验证码设备" in html
    for english in ("Axes", "AXES", "Access attempts", "Access logs", "TOTP devices",
                    "Static devices", "Otp_Totp"):
        assert english not in html, english
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    body = page.content.decode()
    # title and breadcrumbs (the package's own field labels stay as the package ships them)
    assert "<title>登录尝试列表" in body and "&rsaquo; 登录尝试" in body
    assert "&rsaquo; access attempts" not in body.lower()
    app_page = client.get("/admin/axes/").content.decode()
    assert "登录防护" in app_page and "Access attempts" not in app_page


def test_task_results_are_named_in_chinese(users, client_for):
    from conftest import _user

    root = _user("root_admin", "system_admin", is_superuser=True, is_staff=True)
    html = client_for(root).get("/admin/").content.decode()
    assert "任务队列" in html and "任务执行结果" in html
    assert "Task Results" not in html and "Tasks Database Backend" not in html
