"""The admin is for the administrator roles only, and its edits are audited like any other."""

import pytest
from django.contrib.contenttypes.models import ContentType

from kechuang.audit.models import ChangeRecord


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["city_staff", "county_a_staff", "enterprise_a_user",
                                  "expert", "provider"])
def test_only_administrator_roles_enter_the_admin(users, client_for, role):
    users[role].is_staff = True
    users[role].save()
    resp = client_for(users[role]).get("/admin/")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]


@pytest.mark.django_db
def test_admin_edit_is_audited(users, client_for, enterprise_a):
    client = client_for(users["city_admin"])
    url = f"/admin/orgs/organisation/{enterprise_a.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"address": "潞州区太行东街1号", "county": enterprise_a.county_id,
                 "established_on": "2015-05-01", "chain_memberships-TOTAL_FORMS": "0",
                 "chain_memberships-INITIAL_FORMS": "0"})
    data.pop("chains", None)
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors if resp.context else ""
    ct = ContentType.objects.get_for_model(enterprise_a, for_concrete_model=True)
    rec = ChangeRecord.objects.get(content_type=ct, object_id=str(enterprise_a.pk))
    assert rec.actor == users["city_admin"] and rec.reason == "admin"
    assert rec.before["address"] == "" and rec.after["address"] == "潞州区太行东街1号"
