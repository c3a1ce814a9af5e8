from django.urls import path

from kechuang.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/<str:kind>/", views.run_new, name="run_new"),
    path("template/<str:kind>/", views.template_download, name="template_download"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/commit/", views.run_commit, name="run_commit"),
    path("<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("<int:pk>/errors/", views.run_errors, name="run_errors"),
]
