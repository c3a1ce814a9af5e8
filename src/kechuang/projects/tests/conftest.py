from __future__ import annotations

import pytest

from kechuang.projects.tests import fixtures as fx


@pytest.fixture
def rd_call(db):
    return fx.call()


@pytest.fixture
def app_a(rd_call, enterprise_a, users):
    return fx.application(rd_call, enterprise_a, users["enterprise_a_user"])


@pytest.fixture
def app_b(rd_call, enterprise_b, users):
    return fx.application(rd_call, enterprise_b, users["enterprise_b_user"], title="乙项目",
                          pi_name="李工")


@pytest.fixture
def pool(users, enterprise_a, enterprise_b, county_a):
    """Five experts: one of them (the expert user's) unrelated; one from enterprise A."""
    from conftest import make_enterprise
    from kechuang.accounts.models import User

    uni = make_enterprise(county_a, "长治学院", 50, kind="university", industry_code="P83")
    out = {"mine": fx.expert("专家甲", user=users["expert"], org=uni)}
    out["conflicted"] = fx.expert("专家乙", org=enterprise_a, user=User.objects.create_user(
        username="expert2", password="Kc-test-Pass-2025", role=users["expert"].role))
    for i in range(3):
        out[f"other{i}"] = fx.expert(f"专家{i}", org=uni, user=User.objects.create_user(
            username=f"expert_o{i}", password="Kc-test-Pass-2025", role=users["expert"].role))
    return out
