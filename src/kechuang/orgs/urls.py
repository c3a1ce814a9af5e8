from django.urls import path

from kechuang.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("add/", views.enterprise_add, name="enterprise_add"),
    path("export/", views.enterprise_export, name="enterprise_export"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/reports/add/", views.report_add, name="report_add"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/export/", views.report_export, name="report_export"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report_delete"),
]
