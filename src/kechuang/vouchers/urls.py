from django.urls import path

from kechuang.vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.voucher_list, name="voucher_list"),
    path("apply/", views.voucher_apply, name="voucher_apply"),
    path("export/", views.voucher_export, name="voucher_export"),
    path("<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("<int:pk>/decide/<str:action>/", views.voucher_decide, name="voucher_decide"),
    path("<int:pk>/contract/", views.contract_add, name="contract_add"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/confirm/", views.contract_confirm, name="contract_confirm"),
    path("contracts/<int:pk>/claim/", views.claim_add, name="claim_add"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/export/", views.claim_export, name="claim_export"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/decide/<str:action>/", views.claim_decide, name="claim_decide"),
    path("claims/files/<int:pk>/", views.claim_file_download, name="claim_file_download"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/apply/", views.provider_apply, name="provider_apply"),
    path("providers/export/", views.provider_export, name="provider_export"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/decide/<str:action>/", views.provider_decide,
         name="provider_decide"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/kinds/", views.kind_add, name="kind_add"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/export/", views.reconciliation_export, name="reconciliation_export"),
]
