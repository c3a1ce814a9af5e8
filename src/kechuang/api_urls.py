"""/api/v1/: one router for every app's viewsets, token login, the OpenAPI schema and its docs."""

import importlib

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from kechuang.core import manifests
from kechuang.core.api_auth import AuthTokenView

router = DefaultRouter()
for app in manifests.installed():  # each app's viewsets, as its manifest declares
    if app.api:
        importlib.import_module(app.api).register(router)

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token", AuthTokenView.as_view(), name="api-token"),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's init script from a URL: the CSP forbids inline scripts
    path("docs", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="web/swagger_ui.html"), name="api-docs"),
]
