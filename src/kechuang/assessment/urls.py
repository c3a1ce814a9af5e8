from django.urls import path

from kechuang.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("enterprises/<int:pk>/", views.enterprise_assessment, name="enterprise_assessment"),
    path("batch/", views.batch, name="batch"),
    path("results/", views.result_list, name="result_list"),
    path("results/export/", views.result_export, name="result_export"),
]
