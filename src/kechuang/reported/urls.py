from django.urls import path

from kechuang.reported import views

app_name = "reported"
urlpatterns = [
    path("", views.value_list, name="value_list"),
    path("add/", views.value_add, name="value_add"),
    path("export/", views.value_export, name="value_export"),
    path("<int:pk>/", views.value_detail, name="value_detail"),
    path("<int:pk>/approve/", views.value_approve, name="value_approve"),
    path("<int:pk>/reject/", views.value_reject, name="value_reject"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("indicators/<int:pk>/source/", views.indicator_source, name="indicator_source"),
]
