"""REST endpoints: industrial chains, organisations, enterprises, annual reports.

Thin (style.md §2): reads go through the selectors / ``restrict()``, writes through
``orgs.services`` with ``actor=request.user`` so every change is audited.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.routers import DefaultRouter

from kechuang.core.api import IdFilter, ScopedViewSetMixin
from kechuang.core.services import update_object
from kechuang.orgs import selectors, services
from kechuang.orgs.filters import EnterpriseFilter, ReportFilter
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport, IndustrialChain, Organisation
from kechuang.orgs.serializers import (
    AnnualReportSerializer,
    EnterpriseSerializer,
    IndustrialChainSerializer,
    OrganisationSerializer,
)


class IndustrialChainViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """重点产业链（参考数据），所有登录用户可读。"""

    scoped_model = IndustrialChain
    serializer_class = IndustrialChainSerializer
    ordering_fields = ["sort_order", "code", "name"]

    def get_queryset(self):
        return self.restricted()


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label=_("类型"))
    county = IdFilter(field_name="county", label=_("县区编号"))

    class Meta:
        model = Organisation
        fields = ["kind", "county"]


class OrganisationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          viewsets.GenericViewSet):
    """所有类型的机构（企业、高校、科研院所、服务机构）。"""

    scoped_model = Organisation
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "established_on", "updated_at"]

    def get_queryset(self):
        return selectors.with_chains(self.restricted().select_related("county")).order_by(
            "name", "id")

    def perform_create(self, serializer):
        data = serializer.service_data()
        if data.get("kind", Organisation.Kind.ENTERPRISE) == Organisation.Kind.ENTERPRISE:
            obj = services.create_enterprise(actor=self.request.user, data=data)
        else:
            obj = services.create_organisation(actor=self.request.user, data=data)
        serializer.instance = obj

    def perform_update(self, serializer):
        data = serializer.service_data()
        instance = serializer.instance
        if instance.kind == Organisation.Kind.ENTERPRISE:
            obj = services.update_enterprise(actor=self.request.user, enterprise=instance,
                                             data=data)
        else:
            obj = update_object(obj=instance, actor=self.request.user, data=data)
        serializer.instance = obj


@extend_schema_view(list=extend_schema(parameters=EnterpriseFilter.openapi_parameters()))
class EnterpriseViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        viewsets.GenericViewSet):
    """企业：列表与企业库页面同一查询（orgs.selectors.enterprise_list），行完全一致。"""

    scoped_model = Enterprise
    serializer_class = EnterpriseSerializer
    filter_backends: list = []  # the selector filters and sorts, exactly as the list page

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            filters = EnterpriseFilter.api_filters(self.request.query_params.dict(), user=user)
            qs = selectors.enterprise_list(user=user, action=self.scope_action, filters=filters)
        else:
            qs = self.restricted().select_related("county")
        return selectors.with_chains(qs)

    def perform_create(self, serializer):
        serializer.instance = services.create_enterprise(actor=self.request.user,
                                                         data=serializer.service_data())

    def perform_update(self, serializer):
        serializer.instance = services.update_enterprise(
            actor=self.request.user, enterprise=serializer.instance,
            data=serializer.service_data())


@extend_schema_view(list=extend_schema(parameters=ReportFilter.openapi_parameters()))
class AnnualReportViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """企业年度报表：列表与报表页面同一查询。企业用户可填报、修改本企业的报表，不能删除。"""

    scoped_model = EnterpriseAnnualReport
    serializer_class = AnnualReportSerializer
    filter_backends: list = []  # the selector filters and sorts, exactly as the list page

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            filters = ReportFilter.api_filters(self.request.query_params.dict(), user=user)
            return selectors.report_list(user=user, action=self.scope_action, filters=filters)
        return selectors.annual_reports(user=user, action=self.scope_action)

    def perform_create(self, serializer):
        serializer.instance = services.create_annual_report(actor=self.request.user,
                                                            data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.update_annual_report(
            actor=self.request.user, report=serializer.instance,
            data=dict(serializer.validated_data))

    def perform_destroy(self, instance):
        services.delete_annual_report(actor=self.request.user, report=instance)


def register(router: DefaultRouter) -> None:
    router.register("chains", IndustrialChainViewSet, basename="api-chain")
    router.register("organisations", OrganisationViewSet, basename="api-organisation")
    router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
    router.register("annual-reports", AnnualReportViewSet, basename="api-annual-report")
