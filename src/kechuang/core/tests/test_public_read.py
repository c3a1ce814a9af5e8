"""Public-read reference data (regions, industrial chains): every signed-in user may *view*
every row, and ``public_read`` grants nothing else — writes and exports still come only
from the model's declared rights.

The expected rights are written out here, not derived from the registered scopes, so a
``can()`` that let ``public_read`` through for every action fails these tests.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.accounts.roles import Role
from kechuang.accounts.scoping import ACTIONS, allowed_actions, can
from kechuang.orgs.models import IndustrialChain
from kechuang.regions.models import Region

pytestmark = pytest.mark.django_db

READ = {"view", "export"}
EXPECTED = {
    Region: {"city_admin": {"view", "add", "change", "export"}, "city_staff": READ,
             "county_staff": READ},
    IndustrialChain: {"city_admin": set(ACTIONS), "city_staff": READ, "county_staff": READ},
}
# one user per role (the county_a/enterprise_a variants of the shared fixture)
USERS = {Role.CITY_ADMIN: "city_admin", Role.CITY_STAFF: "city_staff",
         Role.COUNTY_STAFF: "county_a_staff", Role.ENTERPRISE: "enterprise_a_user",
         Role.EXPERT: "expert", Role.PROVIDER: "provider", Role.AUDITOR: "auditor",
         Role.SYSTEM_ADMIN: "system_admin", Role.SECURITY_ADMIN: "security_admin"}
ADMIN = {Region: "regions_region", IndustrialChain: "orgs_industrialchain"}
API = {Region: "api-region", IndustrialChain: "api-chain"}


@pytest.fixture
def chain(db):
    return IndustrialChain.objects.create(code="new-materials", name="新材料")


def test_every_role_is_listed():
    assert set(USERS) == set(Role)


@pytest.mark.parametrize("model", [Region, IndustrialChain], ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_public_read_grants_view_and_nothing_more(users, chain, model, role):
    user = users[USERS[role]]
    expected = EXPECTED[model].get(role, {"view"})
    assert allowed_actions(user, model) == expected
    for action in ACTIONS:
        assert can(user, action, model) is (action in expected), action
    # every row is readable; an action without the right reads no row at all
    assert model.objects.restrict(user, "view").count() == model.objects.count() > 0
    for action in set(ACTIONS) - expected:
        assert not model.objects.restrict(user, action).exists(), action


@pytest.mark.parametrize("model", [Region, IndustrialChain], ids=lambda m: m.__name__)
def test_inactive_and_anonymous_users_do_not_even_view(users, model):
    from django.contrib.auth.models import AnonymousUser

    user = users["city_admin"]
    user.is_active = False
    for who in (user, AnonymousUser(), None):
        assert allowed_actions(who, model) == set()


@pytest.mark.parametrize("model", [Region, IndustrialChain], ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_api_is_read_only_for_every_role(client_for, users, chain, model, role):
    """Writes are refused: 403 without the right, 405 with it (the endpoints only read)."""
    user = users[USERS[role]]
    client = client_for(user)
    row = model.objects.order_by("pk").first()
    before = list(model.objects.order_by("pk").values())
    list_url = reverse(f"{API[model]}-list")
    detail_url = reverse(f"{API[model]}-detail", args=[row.pk])
    assert client.get(detail_url).status_code == 200
    payload = {"code": "x-1", "name": "伪造"}
    for method, url, action in (("post", list_url, "add"), ("put", detail_url, "change"),
                                ("patch", detail_url, "change"),
                                ("delete", detail_url, "delete")):
        resp = getattr(client, method)(url, payload, content_type="application/json")
        expected = 405 if action in EXPECTED[model].get(role, set()) else 403
        assert resp.status_code == expected, (method, resp.status_code)
    assert list(model.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("model", [Region, IndustrialChain], ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", [r for r in Role if r != Role.CITY_ADMIN], ids=str)
def test_the_admin_refuses_writes_to_everyone_but_the_city_admin(client_for, users, chain,
                                                                 model, role):
    client = client_for(users[USERS[role]])
    row = model.objects.order_by("pk").first()
    before = list(model.objects.order_by("pk").values())
    for url, post in ((reverse(f"admin:{ADMIN[model]}_add"), False),
                      (reverse(f"admin:{ADMIN[model]}_change", args=[row.pk]), True),
                      (reverse(f"admin:{ADMIN[model]}_delete", args=[row.pk]), True)):
        resp = client.post(url, {"post": "yes", "name": "伪造"}) if post else client.get(url)
        refused = resp.status_code == 403 or (
            resp.status_code == 302 and reverse("admin:login") in resp["Location"])
        assert refused, (url, resp.status_code)
    assert list(model.objects.order_by("pk").values()) == before


def test_the_city_admin_may_not_delete_a_region(client_for, users):
    client = client_for(users["city_admin"])
    region = Region.objects.filter(level=Region.Level.COUNTY).first()
    assert client.get(reverse("admin:regions_region_change", args=[region.pk])).status_code == 200
    resp = client.post(reverse("admin:regions_region_delete", args=[region.pk]), {"post": "yes"})
    assert resp.status_code == 403 and Region.objects.filter(pk=region.pk).exists()
