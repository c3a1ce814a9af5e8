from django.urls import path

from kechuang.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/", views.OTPVerifyView.as_view(), name="otp_verify"),
    path("2fa/setup/", views.OTPSetupView.as_view(), name="otp_setup"),
]
