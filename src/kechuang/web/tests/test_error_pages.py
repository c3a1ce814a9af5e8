import pytest


@pytest.mark.django_db
def test_unknown_enterprise_gets_a_chinese_404(users, client_for):
    resp = client_for(users["city_staff"]).get("/enterprises/999999/reports/add/")
    assert resp.status_code == 404
    assert "不存在" in resp.content.decode()


@pytest.mark.django_db
def test_role_without_right_gets_a_chinese_403(users, client_for):
    resp = client_for(users["auditor"]).get("/enterprises/")
    assert resp.status_code == 403
    assert "没有执行该操作的权限" in resp.content.decode()


@pytest.mark.django_db
def test_unknown_api_path_answers_in_the_api_error_format(users, client_for):
    resp = client_for(users["city_staff"]).get("/api/v1/enterprises/abc/")
    assert resp.status_code == 404 and resp["Content-Type"].startswith("application/json")
    assert resp.json() == {"code": "not_found", "message": "记录不存在或无权查看", "errors": []}
