from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": _("登录")}


class LogoutView(auth_views.LogoutView):
    pass
