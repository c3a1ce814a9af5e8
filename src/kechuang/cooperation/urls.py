from django.urls import path

from kechuang.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/add/", views.project_add, name="project_add"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/milestones/add/", views.milestone_add, name="milestone_add"),
    path("projects/<int:pk>/outcomes/add/", views.outcome_add, name="outcome_add"),
    path("milestones/<int:pk>/evidence/", views.milestone_evidence, name="milestone_evidence"),
    path("milestones/<int:pk>/reopen/", views.milestone_reopen, name="milestone_reopen"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("talents/", views.talent_list, name="talent_list"),
    path("talents/add/", views.talent_add, name="talent_add"),
    path("talents/export/", views.talent_export, name="talent_export"),
    path("talents/<int:pk>/edit/", views.talent_edit, name="talent_edit"),
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/add/", views.achievement_add, name="achievement_add"),
    path("achievements/export/", views.achievement_export, name="achievement_export"),
    path("achievements/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
]
