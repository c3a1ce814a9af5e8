from django.urls import path

from kechuang.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_detail, name="plan_detail"),
    path("import/", views.plan_import, name="plan_import"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/tasks/add/", views.task_add, name="task_add"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("actions/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/allocations/", views.allocation_list, name="allocation_list"),
    path("indicators/<int:pk>/allocations/edit/", views.allocation_edit,
         name="allocation_edit"),
]
