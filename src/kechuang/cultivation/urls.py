from django.urls import path

from kechuang.cultivation import views

app_name = "cultivation"


def _record_routes(kind: str, prefix: str, revoke: bool = True) -> list:
    k = {"kind": kind}
    routes = [
        path(f"{prefix}/", views.record_list, k, name=f"{kind}_list"),
        path(f"{prefix}/add/", views.record_add, k, name=f"{kind}_add"),
        path(f"{prefix}/export/", views.record_export, k, name=f"{kind}_export"),
        path(f"{prefix}/<int:pk>/", views.record_detail, k, name=f"{kind}_detail"),
        path(f"{prefix}/<int:pk>/edit/", views.record_edit, k, name=f"{kind}_edit"),
        path(f"{prefix}/<int:pk>/files/", views.record_files, k, name=f"{kind}_files"),
    ]
    if revoke:
        routes.append(path(f"{prefix}/<int:pk>/revoke/", views.record_revoke, k,
                           name=f"{kind}_revoke"))
    return routes


urlpatterns = [
    path("", views.targets, name="targets"),
    *_record_routes("registration", "registrations"),
    *_record_routes("certificate", "certificates"),
    *_record_routes("leader", "leaders", revoke=False),
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("candidates/", views.candidate_list, name="candidate_list"),
    path("candidates/add/", views.candidate_add, name="candidate_add"),
    path("candidates/export/", views.candidate_export, name="candidate_export"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("candidates/<int:pk>/promote/", views.candidate_promote, name="candidate_promote"),
    path("candidates/<int:pk>/visits/", views.candidate_visit_add, name="candidate_visit_add"),
]
