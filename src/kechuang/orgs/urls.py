from django.urls import path

from kechuang.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("reports/", views.report_list, name="report_list"),
]
