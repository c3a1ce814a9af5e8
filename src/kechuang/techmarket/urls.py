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
    path("contracts/<int:pk>/attach/", views.contract_attach, name="contract_attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("statistics/", views.statistics, name="statistics"),
    path("gdp/", views.gdp_list, name="gdp_list"),
    path("gdp/add/", views.gdp_add, name="gdp_add"),
    path("gdp/export/", views.gdp_export, name="gdp_export"),
    path("service-enterprises/", views.service_enterprises, name="service_enterprises"),
    path("service-enterprises/candidates/", views.candidate_list, name="candidate_list"),
    path("service-enterprises/candidates/export/", views.candidate_export,
         name="candidate_export"),
    path("service-enterprises/conversions/", views.conversion_list, name="conversion_list"),
    path("service-enterprises/conversions/export/", views.conversion_export,
         name="conversion_export"),
    path("service-enterprises/conversions/add/", views.conversion_add,
         name="conversion_add"),
]
