from django.urls import path

from kechuang.carriers import views

app_name = "carriers"
urlpatterns = [
    path("platforms/", views.platform_list, name="platform_list"),
    path("platforms/add/", views.platform_add, name="platform_add"),
    path("platforms/export/", views.platform_export, name="platform_export"),
    path("platforms/stats/", views.platform_stats, name="platform_stats"),
    path("platforms/<int:pk>/", views.platform_detail, name="platform_detail"),
    path("platforms/<int:pk>/edit/", views.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/recognise/", views.platform_recognise, name="platform_recognise"),
    path("platforms/<int:pk>/operate/", views.platform_operate, name="platform_operate"),
    path("platforms/<int:pk>/end/", views.platform_end, name="platform_end"),
    path("platforms/<int:pk>/convert/", views.platform_convert, name="platform_convert"),
    path("platforms/<int:pk>/occupants/add/", views.occupant_add, name="occupant_add"),
    path("kinds/", views.kind_list, name="kind_list"),
    path("occupants/", views.occupant_list, name="occupant_list"),
    path("occupants/export/", views.occupant_export, name="occupant_export"),
    path("occupants/<int:pk>/edit/", views.occupant_edit, name="occupant_edit"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/add/", views.campaign_add, name="campaign_add"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/export/", views.evaluation_export, name="evaluation_export"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/grade/", views.evaluation_grade, name="evaluation_grade"),
    path("evaluations/<int:pk>/return/", views.evaluation_return, name="evaluation_return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
