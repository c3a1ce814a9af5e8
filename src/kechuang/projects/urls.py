from django.urls import path

from kechuang.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("export/", views.project_export, name="project_export"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/sign/", views.project_sign, name="project_sign"),
    path("<int:pk>/plan/", views.project_plan, name="project_plan"),
    path("<int:pk>/pay/", views.project_pay, name="project_pay"),
    path("disbursements/", views.disbursement_list, name="disbursement_list"),
    path("disbursements/export/", views.disbursement_export, name="disbursement_export"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/export/", views.call_export, name="call_export"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/add/", views.application_add, name="application_add"),
    path("applications/export/", views.application_export, name="application_export"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/draw/", views.application_draw, name="application_draw"),
    path("applications/<int:pk>/<slug:action>/", views.application_step,
         name="application_step"),
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/export/", views.expert_export, name="expert_export"),
    path("reviews/", views.assignment_list, name="assignment_list"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/accept/", views.assignment_accept, name="assignment_accept"),
    path("reviews/<int:pk>/decline/", views.assignment_decline, name="assignment_decline"),
]
