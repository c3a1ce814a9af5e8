from django.urls import path

from kechuang.kpi import views

app_name = "kpi"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/export/", views.indicator_records_export,
         name="indicator_records_export"),
    path("snapshots/", views.snapshot_list, name="snapshot_list"),
    path("snapshots/take/", views.snapshot_take, name="snapshot_take"),
    path("report/", views.monthly_report, name="monthly_report"),
    path("report/source/", views.report_source, name="report_source"),
    path("report/refresh/", views.report_snapshot_refresh, name="report_snapshot_refresh"),
]
