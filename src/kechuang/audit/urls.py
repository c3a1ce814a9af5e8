from django.urls import path

from kechuang.audit import views

app_name = "audit"
urlpatterns = [
    path("changes/", views.change_list, name="change_list"),
    path("changes/export/", views.change_export, name="change_export"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/reveal/", views.change_reveal, name="change_reveal"),
    path("logins/", views.authevent_list, name="authevent_list"),
    path("logins/export/", views.authevent_export, name="authevent_export"),
    path("access/", views.accessevent_list, name="accessevent_list"),
]
