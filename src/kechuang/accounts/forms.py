from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续多次失败将暂时锁定账号。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (old password, new password twice, AUTH_PASSWORD_VALIDATORS), styled."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("原密码不正确，请重新输入。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = {"old_password": _("原密码"), "new_password1": _("新密码"),
                  "new_password2": _("再次输入新密码")}
        for name, field in self.fields.items():
            field.label = labels.get(name, field.label)
            field.widget.attrs["class"] = "form-control"
        self.fields["new_password2"].help_text = ""

    def save(self, commit: bool = True) -> Any:
        """The owner chose it: no forced change next time; expiry starts again (User.save)."""
        self.user.set_password(self.cleaned_data["new_password1"], by_owner=True)
        if commit:
            self.user.save()
        return self.user

    def clean_new_password1(self) -> str:
        password = self.cleaned_data.get("new_password1", "")
        if password and password == self.data.get("old_password"):
            raise ValidationError(_("新密码不能与原密码相同。"), code="password_unchanged")
        return password


class OTPCodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or (when allowed) a recovery code."""

    code = forms.CharField(label=_("验证码"), max_length=32, strip=True,
                           widget=forms.TextInput(attrs={
                               "class": "form-control", "autocomplete": "one-time-code",
                               "inputmode": "numeric", "autofocus": True}))


class UnlockForm(forms.Form):
    """Why a lockout is lifted: goes into the change record."""

    reason = forms.CharField(label=_("解锁原因"), max_length=500,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


class AccountForm(forms.ModelForm):
    """Role, place and state of an account — nothing that grants rights another way."""

    organisation = forms.ModelChoiceField(
        label=_("所属单位（统一社会信用代码）"), required=False, queryset=None,
        to_field_name="credit_code", widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"invalid_choice": _("没有该统一社会信用代码的单位")})

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "phone", "role", "county",
                  "organisation", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from kechuang.orgs.models import Organisation
        from kechuang.regions.models import Region

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        if self.instance.organisation_id and not self.is_bound:
            # the field is keyed by credit code, the instance's initial value is the pk
            self.initial["organisation"] = self.instance.organisation.credit_code
        self.fields["county"].queryset = Region.objects.filter(level="county").order_by(
            "sort_order", "code")
        for name, field in self.fields.items():
            css = "form-check-input" if name == "is_active" else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            field.widget.attrs.setdefault("class", css)


def _password_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, strip=False, widget=forms.PasswordInput(
        attrs={"class": "form-control", "autocomplete": "new-password"}))


class PasswordPairMixin:
    """A password typed twice by an administrator; the validators run in the service."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))  # type: ignore[attr-defined]
        return data


class NewAccountForm(PasswordPairMixin, AccountForm):
    password1 = _password_field(_("初始密码"))
    password2 = _password_field(_("确认初始密码"))


class ResetPasswordForm(PasswordPairMixin, forms.Form):
    password1 = _password_field(_("新密码"))
    password2 = _password_field(_("确认新密码"))
