from django.urls import path

from kechuang.audit import views

app_name = "audit"
urlpatterns = [
    path("changes/", views.change_list, name="change_list"),
    path("logins/", views.authevent_list, name="authevent_list"),
]
