from django.urls import path

from kechuang.rdinput import views

app_name = "rdinput"
urlpatterns = [
    path("fiscal/", views.fiscal_list, name="fiscal_list"),
    path("fiscal/add/", views.fiscal_add, name="fiscal_add"),
    path("fiscal/export/", views.fiscal_export, name="fiscal_export"),
    path("fiscal/ranking/", views.fiscal_ranking, name="fiscal_ranking"),
    path("fiscal/<int:pk>/", views.fiscal_detail, name="fiscal_detail"),
    path("fiscal/<int:pk>/edit/", views.fiscal_edit, name="fiscal_edit"),
    path("fiscal/<int:pk>/approve/", views.fiscal_approve, name="fiscal_approve"),
    path("fiscal/<int:pk>/reject/", views.fiscal_reject, name="fiscal_reject"),
    path("fiscal/evidence/<int:pk>/", views.fiscal_evidence, name="fiscal_evidence"),
    path("reserves/", views.reserve_list, name="reserve_list"),
    path("reserves/add/", views.reserve_add, name="reserve_add"),
    path("reserves/export/", views.reserve_export, name="reserve_export"),
    path("reserves/<int:pk>/edit/", views.reserve_edit, name="reserve_edit"),
    path("intensity/", views.intensity_list, name="intensity_list"),
    path("intensity/add/", views.intensity_add, name="intensity_add"),
    path("intensity/export/", views.intensity_export, name="intensity_export"),
    path("intensity/<int:pk>/edit/", views.intensity_edit, name="intensity_edit"),
    path("points/", views.points_models, name="points_models"),
    path("points/add/", views.points_model_add, name="points_model_add"),
    path("points/mine/", views.points_mine, name="points_mine"),
    path("points/<int:pk>/", views.points_model, name="points_model"),
    path("points/<int:pk>/run/", views.points_run_start, name="points_run_start"),
    path("points/runs/<int:pk>/", views.points_run, name="points_run"),
    path("points/runs/<int:pk>/export/", views.points_export, name="points_export"),
    path("points/runs/<int:pk>/publish/", views.points_publish, name="points_publish"),
]
