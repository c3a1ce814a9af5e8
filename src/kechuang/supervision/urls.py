from django.urls import path

from kechuang.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("items/", views.item_list, name="item_list"),
    path("items/export/", views.item_export, name="item_export"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/updates/", views.update_add, name="update_add"),
    path("items/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("items/<int:pk>/notices/", views.notice_add, name="notice_add"),
    path("items/<int:pk>/units/<int:unit>/remove/", views.unit_remove, name="unit_remove"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="task_assign"),
    path("measures/add/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/export/", views.unit_export, name="unit_export"),
    path("units/add/", views.unit_add, name="unit_add"),
    path("units/<int:pk>/", views.unit_board, name="unit_board"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/export/", views.notice_export, name="notice_export"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/answer/", views.notice_answer, name="notice_answer"),
]
