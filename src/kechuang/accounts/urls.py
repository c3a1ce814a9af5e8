from django.urls import path

from kechuang.accounts import manage_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/", views.OTPVerifyView.as_view(), name="otp_verify"),
    path("2fa/setup/", views.OTPSetupView.as_view(), name="otp_setup"),
    path("lockouts/", manage_views.lockout_list, name="lockout_list"),
    path("lockouts/<int:pk>/unlock/", manage_views.lockout_unlock, name="lockout_unlock"),
    path("users/", manage_views.user_list, name="user_list"),
    path("users/new/", manage_views.user_add, name="user_add"),
    path("users/<int:pk>/", manage_views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", manage_views.user_password, name="user_password"),
]
