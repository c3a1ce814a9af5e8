"""/api/v1/: one router for every app's viewsets, token login, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from kechuang.assessment import api as assessment_api
from kechuang.core.api_auth import AuthTokenView
from kechuang.cultivation import api as cultivation_api
from kechuang.kpi import api as kpi_api
from kechuang.orgs import api as orgs_api
from kechuang.plans import api as plans_api
from kechuang.regions import api as regions_api
from kechuang.reported import api as reported_api

router = DefaultRouter()
regions_api.register(router)
orgs_api.register(router)
plans_api.register(router)
reported_api.register(router)
kpi_api.register(router)
cultivation_api.register(router)
assessment_api.register(router)

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token", AuthTokenView.as_view(), name="api-token"),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's init script from a URL: the CSP forbids inline scripts
    path("docs", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="web/swagger_ui.html"), name="api-docs"),
]
