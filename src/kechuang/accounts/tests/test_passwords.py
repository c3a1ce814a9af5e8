"""Password rules (length ≥ 10, three of four character classes, not common, not numeric, not
like the user's details) and the password-change page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from kechuang.accounts.models import User
from kechuang.accounts.validators import ComplexityValidator
from kechuang.audit.models import ChangeRecord

PASSWORD = "Kc-test-Pass-2025"  # conftest's
CHANGE = reverse("accounts:password_change")


def codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


def test_the_validators_are_configured():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == ["UserAttributeSimilarityValidator", "MinimumLengthValidator",
                     "CommonPasswordValidator", "NumericPasswordValidator",
                     "ComplexityValidator"]
    length = next(v for v in settings.AUTH_PASSWORD_VALIDATORS
                  if v["NAME"].endswith("MinimumLengthValidator"))
    assert length["OPTIONS"]["min_length"] == 10


@pytest.mark.parametrize(("password", "expected"), [
    ("Kc-test-Pass-2025", set()),
    ("Changzhi#2026", set()),
    ("changzhi#2026", set()),            # lower + digit + symbol: three classes
    ("CHANGZHI2026x", set()),            # upper + digit + lower
    ("Ab1!Ab1!a", {"password_too_short"}),  # 9 characters
    ("changzhikejiju", {"password_too_simple"}),  # one class
    ("changzhi2026", {"password_too_simple"}),    # two classes
    ("1234567890", {"password_too_common", "password_entirely_numeric",
                    "password_too_simple"}),
    ("Password123", {"password_too_common"}),
])
def test_password_rules(password, expected):
    assert codes(password) == expected


@pytest.mark.django_db
def test_password_may_not_resemble_the_username():
    user = User(username="zhangsan_kjj", first_name="张三", email="zhangsan@example.cn")
    assert "password_too_similar" in codes("Zhangsan_kjj1", user)


def test_complexity_message_is_chinese():
    with pytest.raises(ValidationError) as exc:
        ComplexityValidator().validate("alllowercase")
    assert "三类" in exc.value.messages[0]
    assert "三类" in ComplexityValidator().get_help_text()


# ---- the password-change page ------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_cannot_open_the_page(client):
    resp = client.get(CHANGE)
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["city_admin", "county_a_staff", "enterprise_a_user", "expert",
                                  "provider", "auditor"])
def test_every_role_can_open_the_page(client_for, users, role):
    resp = client_for(users[role]).get(CHANGE)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "原密码" in html and "新密码" in html and "三类" in html  # rules shown up front


@pytest.mark.django_db
def test_change_password_keeps_the_session_and_audits_without_the_hash(client, users):
    user = users["county_a_staff"]
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    new = "Luzhou-Office-2026"
    resp = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": new,
                                "new_password2": new})
    assert resp.status_code == 302 and resp["Location"] == reverse("accounts:profile")
    assert "_auth_user_id" in client.session  # still signed in (session hash updated)
    assert client.get(reverse("accounts:profile")).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new)

    ct = ContentType.objects.get_for_model(User)
    record = ChangeRecord.objects.get(content_type=ct, object_id=str(user.pk))
    assert record.actor == user and record.reason == "本人修改密码"
    assert {k for k, _b, _a in record.changed_fields} == {"password", "password_changed_at"}
    assert user.password not in str(record.after)

    client.post(reverse("accounts:logout"))
    resp = client.post(reverse("accounts:login"), {"username": user.username, "password": new})
    assert resp.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "code", "message"), [
    ({"old_password": "wrong", "new_password1": "Luzhou-Office-2026",
      "new_password2": "Luzhou-Office-2026"}, "password_incorrect", "原密码不正确"),
    ({"old_password": PASSWORD, "new_password1": "Luzhou-Office-2026",
      "new_password2": "Luzhou-Office-2027"}, "password_mismatch", "两次输入的新密码不一致"),
    ({"old_password": PASSWORD, "new_password1": "luzhou2026x",
      "new_password2": "luzhou2026x"}, "password_too_simple", "三类"),
    # Django 5.2.19's zh-hans catalogue lacks this message's new msgid: English for now
    ({"old_password": PASSWORD, "new_password1": "Ab1-short",
      "new_password2": "Ab1-short"}, "password_too_short", ""),
    ({"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
     "password_unchanged", "不能与原密码相同"),
])
def test_bad_changes_are_refused_with_a_reason(client_for, users, data, code, message):
    user = users["city_staff"]
    resp = client_for(user).post(CHANGE, data)
    assert resp.status_code == 200
    errors = [e for errs in resp.context["form"].errors.as_data().values() for e in errs]
    assert code in {e.code for e in errors}
    assert message in " ".join(m for e in errors for m in e.messages)
    assert 'data-testid="form-errors"' in resp.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not ChangeRecord.objects.exists()
