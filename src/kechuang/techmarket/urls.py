from django.urls import path

from kechuang.techmarket import views

app_name = "techmarket"
urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/add/", views.contract_add, name="contract_add"),
    path("contracts/export/", views.contract_export, name="contract_export"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/register/", views.contract_register, name="contract_register"),
    path("contracts/<int:pk>/refuse/", views.contract_refuse, name="contract_refuse"),
    path("contracts/<int:pk>/change/", views.contract_change, name="contract_change"),
    path("contracts/<int:pk>/cancel/", views.contract_cancel, name="contract_cancel"),
]
