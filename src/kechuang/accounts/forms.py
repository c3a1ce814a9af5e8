from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
